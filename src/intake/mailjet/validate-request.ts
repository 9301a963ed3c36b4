// Validation of a whole Send API v3.1 request body (already JSON-parsed by the caller).
// Root problems (no Messages array, more than 50 messages, unknown root property, bad
// Globals) reject the whole request; everything inside a message is reported per message so
// that valid siblings still go (Mailjet's batches are not atomic).
import { type MailjetError, mailjetError } from './errors.ts';
import {
  canonicalize,
  isPlainObject,
  MESSAGE_PROPERTY_MAP,
  ROOT_PROPERTY_MAP,
} from './fields.ts';
import { type MessageValidation, validateMessage } from './validate-message.ts';

export const MAX_MESSAGES = 50;

/**
 * The body of a request-level error. Mailjet answers root validation failures with
 * `{"Errors": [...], "Messages": []}` and a broken body with a single flat error object; we
 * send both forms at once (the first error's fields flat, plus `Errors`) so that a client
 * written against either form finds what it looks for.
 */
export interface RequestErrorBody extends MailjetError {
  Errors: MailjetError[];
  Messages: [];
}

export type SendRequestValidation =
  | { ok: false; status: number; body: RequestErrorBody }
  | {
      ok: true;
      sandboxMode: boolean;
      advanceErrorHandling: boolean;
      /** One entry per input message, in input order. */
      messages: MessageValidation[];
    };

function fail(errors: MailjetError[]): SendRequestValidation {
  const first = errors[0]!;
  return { ok: false, status: first.StatusCode, body: { ...first, Errors: errors, Messages: [] } };
}

function rootMismatch(path: string, type: string): MailjetError {
  return mailjetError('mj-0004', `Type mismatch. Expected type "${type}".`, path ? [path] : []);
}

export function validateSendRequest(body: unknown): SendRequestValidation {
  if (!isPlainObject(body)) return fail([rootMismatch('', 'object')]);
  const root = canonicalize(body, ROOT_PROPERTY_MAP);
  const errors: MailjetError[] = [];
  for (const k of [...root.unknown, ...root.duplicate]) {
    errors.push(
      mailjetError(
        'mj-0002',
        `Malformed JSON, please review the syntax and properties types: unknown property "${k}" at the root.`,
        [k],
      ),
    );
  }
  const { Messages, Globals, SandboxMode, AdvanceErrorHandling } = root.value;
  if (Messages === undefined || Messages === null) {
    errors.push(mailjetError('mj-0003', 'Missing mandatory property.', ['Messages']));
  } else if (!Array.isArray(Messages)) {
    errors.push(rootMismatch('Messages', 'Messages'));
  } else if (Messages.length === 0) {
    errors.push(mailjetError('mj-0007', 'Property "Messages" must not be an empty array.', ['Messages']));
  } else if (Messages.length > MAX_MESSAGES) {
    errors.push(
      mailjetError('mj-0008', `Property "Messages" has ${Messages.length} items, maximum ${MAX_MESSAGES}.`, ['Messages']),
    );
  }
  for (const [key, v] of [
    ['SandboxMode', SandboxMode],
    ['AdvanceErrorHandling', AdvanceErrorHandling],
  ] as const) {
    if (v !== undefined && v !== null && typeof v !== 'boolean') errors.push(rootMismatch(key, 'boolean'));
  }
  let globals: Record<string, unknown> = {};
  if (Globals !== undefined && Globals !== null) {
    if (!isPlainObject(Globals)) errors.push(rootMismatch('Globals', 'Globals'));
    else {
      const g = canonicalize(Globals, MESSAGE_PROPERTY_MAP);
      for (const k of [...g.unknown, ...g.duplicate]) {
        errors.push(mailjetError('mj-0002', `Malformed JSON, please review the syntax and properties types: unknown property "Globals.${k}".`, [`Globals.${k}`]));
      }
      globals = g.value;
    }
  }
  if (errors.length > 0) return fail(errors);

  const messages = (Messages as unknown[]).map((raw): MessageValidation => {
    if (!isPlainObject(raw)) return { ok: false, errors: [rootMismatch('Messages', 'Message')] };
    const c = canonicalize(raw, MESSAGE_PROPERTY_MAP);
    const unknown = [...c.unknown, ...c.duplicate].map((k) =>
      mailjetError('mj-0004', `Type mismatch. Unknown property "${k}".`, [k]),
    );
    const merged = mergeGlobals(globals, c.value);
    const v = validateMessage(merged);
    if (unknown.length === 0) return v;
    return { ok: false, errors: [...unknown, ...(v.ok ? [] : v.errors)] };
  });
  return {
    ok: true,
    sandboxMode: SandboxMode === true,
    advanceErrorHandling: AdvanceErrorHandling === true,
    messages,
  };
}

/**
 * Globals under the message: a message value wins; `Headers` and `Variables` are merged key
 * by key (message keys win) when both sides are objects.
 */
export function mergeGlobals(globals: Record<string, unknown>, message: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...globals, ...message };
  for (const key of ['Headers', 'Variables']) {
    const g = globals[key];
    const m = message[key];
    if (isPlainObject(g) && isPlainObject(m)) {
      if (key === 'Headers') {
        // header names are case-insensitive: a message "x-tag" replaces a global "X-Tag"
        const merged: Record<string, unknown> = {};
        const lower = new Set(Object.keys(m).map((k) => k.toLowerCase()));
        for (const [k, v] of Object.entries(g)) if (!lower.has(k.toLowerCase())) merged[k] = v;
        out[key] = { ...merged, ...m };
      } else out[key] = { ...g, ...m };
    }
  }
  return out;
}
