// POST /v3.1/send: Mailjet's Send API v3.1, so an existing Mailjet client works by changing
// its base URL. Non-atomic: every message gets its own Status, valid siblings of a bad
// message are still sent.
import type { Context } from 'hono';
import type { Stream } from '../core/events.ts';
import { mailjetError, malformedJsonError, type MailjetError } from '../intake/mailjet/errors.ts';
import type { NormalizedMessage } from '../intake/mailjet/types.ts';
import { validateSendRequest } from '../intake/mailjet/validate-request.ts';
import { runIntake } from '../intake/pipeline.ts';
import { bodyHash, newRecipient } from '../intake/steps.ts';
import type { Draft } from '../intake/types.ts';
import { findIdempotentAnswer, storeIdempotentAnswer } from '../store/idempotency-repo.ts';
import type { ApiDeps } from './deps.ts';

/** Largest request body: 15 MB of attachments, base64-inflated, plus the rest. */
export const MAX_SEND_BODY = 24 * 1024 * 1024;

/** Stream: `X-Relais-Stream` header if given, else marketing when the message names a campaign. */
export function streamOf(m: NormalizedMessage): Stream {
  const explicit = Object.entries(m.headers).find(([k]) => k.toLowerCase() === 'x-relais-stream')?.[1];
  if (explicit === 'marketing' || explicit === 'transactional') return explicit;
  return m.customCampaign ? 'marketing' : 'transactional';
}

function draftFor(m: NormalizedMessage, tenantId: number, sandbox: boolean): Draft {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers)) if (k.toLowerCase() !== 'x-relais-stream') headers[k] = v;
  const message = { ...m, headers };
  return {
    tenantId,
    source: 'api',
    stream: streamOf(m),
    sandbox,
    message,
    options: {
      customId: m.customId,
      eventPayload: m.eventPayload,
      customCampaign: m.customCampaign,
      deduplicateCampaign: m.deduplicateCampaign,
      trackOpens: m.trackOpens,
      trackClicks: m.trackClicks,
      priority: m.priority,
      monitoringCategory: m.monitoringCategory,
      urlTags: m.urlTags,
    },
    envelopeFrom: '',
    fromAddress: m.from?.email ?? '',
    subject: m.subject ?? null,
    recipients: [
      ...m.to.map((a) => newRecipient(a.email, 'to')),
      ...m.cc.map((a) => newRecipient(a.email, 'cc')),
      ...m.bcc.map((a) => newRecipient(a.email, 'bcc')),
    ],
    warnings: [],
  };
}

// Concurrent requests with the same Idempotency-Key on this node wait for the first.
const inFlight = new Map<string, Promise<unknown>>();

export async function handleSend(c: Context, deps: ApiDeps): Promise<Response> {
  const started = performance.now();
  const auth = await deps.auth.authenticate(c.req.header('authorization'), 'send');
  if (!auth.ok) {
    const e = mailjetError(auth.code, auth.message);
    return c.json({ ...e, StatusCode: auth.status }, auth.status);
  }
  const tenant = auth.principal.tenant;
  const raw = await c.req.text();
  if (raw.length > MAX_SEND_BODY) {
    return c.json(mailjetError('mj-0011', `Payload too large: the request body exceeds ${MAX_SEND_BODY} bytes.`), 413);
  }
  const idemKey = c.req.header('idempotency-key');
  if (idemKey !== undefined) {
    if (!/^[\x21-\x7e]{1,255}$/.test(idemKey)) return c.json(mailjetError('mj-0005', 'Idempotency-Key must be 1-255 visible ASCII characters.'), 400);
    const lockKey = `${tenant.id}\0${idemKey}`;
    while (inFlight.has(lockKey)) await inFlight.get(lockKey);
    let release!: () => void;
    inFlight.set(lockKey, new Promise<void>((r) => (release = r)));
    try {
      const hash = bodyHash(raw);
      const prior = await findIdempotentAnswer(deps.store, tenant.id, idemKey);
      if (prior) {
        if (prior.bodyHash !== hash) {
          return c.json(mailjetError('mj-0005', 'This Idempotency-Key was already used with a different request body; use a new key for a new request.'), 422);
        }
        c.header('Idempotent-Replayed', 'true');
        return c.body(prior.response, prior.status as 200, { 'content-type': 'application/json' });
      }
      const res = await processSend(raw, tenant.id, deps);
      await storeIdempotentAnswer(deps.store, tenant.id, idemKey, { bodyHash: hash, status: res.status, response: res.body });
      deps.metrics.intakeSeconds.observe({ source: 'api' }, (performance.now() - started) / 1000);
      return c.body(res.body, res.status as 200, { 'content-type': 'application/json' });
    } finally {
      inFlight.delete(lockKey);
      release();
    }
  }
  const res = await processSend(raw, tenant.id, deps);
  deps.metrics.intakeSeconds.observe({ source: 'api' }, (performance.now() - started) / 1000);
  return c.body(res.body, res.status as 200, { 'content-type': 'application/json' });
}

interface RecipientOut {
  Email: string;
  MessageUUID: string;
  MessageID: number;
  MessageHref: string;
}

async function processSend(raw: string, tenantId: number, deps: ApiDeps): Promise<{ status: number; body: string }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { status: 400, body: JSON.stringify(malformedJsonError()) };
  }
  const v = validateSendRequest(parsed);
  if (!v.ok) return { status: v.status, body: JSON.stringify(v.body) };

  const drafts: (Draft | MailjetError[])[] = v.messages.map((mv) => (mv.ok ? draftFor(mv.message, tenantId, v.sandboxMode) : mv.errors));
  const toRun = drafts.filter((d): d is Draft => !Array.isArray(d));
  const outcomes = await runIntake(toRun, deps.intake);
  const byDraft = new Map(toRun.map((d, i) => [d, outcomes[i]]));
  const href = (id: number) => `${deps.config.publicUrl}/v1/messages/${id}`;
  let anyError = false;
  const Messages = drafts.map((d) => {
    if (Array.isArray(d)) {
      anyError = true;
      deps.metrics.intakeMessages.inc({ source: 'api', outcome: 'invalid' });
      return { Status: 'error', Errors: d };
    }
    const o = byDraft.get(d)!;
    if (!o.ok) {
      anyError = true;
      deps.metrics.intakeMessages.inc({ source: 'api', outcome: 'rejected' });
      return { Status: 'error', Errors: o.rejection.errors };
    }
    deps.metrics.intakeMessages.inc({ source: 'api', outcome: d.sandbox ? 'sandbox' : 'accepted' });
    const list = (kind: 'to' | 'cc' | 'bcc'): RecipientOut[] =>
      d.recipients
        .filter((r) => r.kind === kind)
        .map((r) =>
          d.sandbox
            ? { Email: r.email, MessageUUID: '', MessageID: 0, MessageHref: href(0) }
            : { Email: r.email, MessageUUID: r.uuid, MessageID: r.id, MessageHref: href(r.id) },
        );
    return { Status: 'success', CustomID: d.options.customId ?? '', To: list('to'), Cc: list('cc'), Bcc: list('bcc') };
  });
  // Mailjet answers 400 when any message failed (with AdvanceErrorHandling the body still
  // carries the per-message statuses); 200 when all succeeded.
  const status = anyError ? 400 : 200;
  return { status, body: JSON.stringify({ Messages }) };
}
