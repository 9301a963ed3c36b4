// Mailjet's SMTP relay control headers (X-MJ-*, X-Mailjet-*): read into the same option
// fields as the Send API, and stripped from the message before it is spooled so that no
// control data leaks to recipients. Stripping rewrites only the header block; the body
// bytes are passed through untouched (they may already be signed by the client).
import { validateAddress } from './address.ts';
import { isPlainObject } from './fields.ts';
import type { MessageOptions, TrackSetting } from './types.ts';
import { LIMITS } from './validate-message.ts';

/** Header names (lower case) that carry Mailjet control data; all are stripped. */
export const MAILJET_SMTP_HEADERS = [
  'x-mj-customid',
  'x-mj-eventpayload',
  'x-mailjet-campaign',
  'x-mailjet-deduplicatecampaign',
  'x-mj-templateid',
  'x-mj-templatelanguage',
  'x-mj-templateerrorreporting',
  'x-mj-templateerrordeliver',
  'x-mj-vars',
  'x-mailjet-trackopen',
  'x-mailjet-trackclick',
  'x-mailjet-prio',
  'x-mj-monitoringcategory',
] as const;

/** Any X-MJ-* / X-Mailjet-* header is platform-internal and is stripped, known or not. */
export function isMailjetControlHeader(name: string): boolean {
  const n = name.toLowerCase();
  return n.startsWith('x-mj-') || n.startsWith('x-mailjet-');
}

/** Decodes RFC 2047 encoded-words (=?charset?B|Q?...?=); unknown charsets are left as is. */
export function decodeMimeWords(value: string): string {
  return value
    .replace(/(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)/g, '$1')
    .replace(/=\?([^?\s*]+)(?:\*[^?\s]*)?\?([BbQq])\?([^?\s]*)\?=/g, (whole, charset: string, enc: string, text: string) => {
      let bytes: Buffer;
      if (enc.toUpperCase() === 'B') bytes = Buffer.from(text, 'base64');
      else {
        bytes = Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
          'latin1',
        );
      }
      try {
        return new TextDecoder(charset).decode(bytes);
      } catch {
        return whole;
      }
    });
}

function flag(v: string): boolean | undefined {
  const s = v.trim().toLowerCase();
  if (s === '1' || s === 'true' || s === 'yes') return true;
  if (s === '0' || s === 'false' || s === 'no') return false;
  return undefined;
}

function trackValue(v: string): TrackSetting | undefined {
  const s = v.trim().toLowerCase();
  if (s === '1' || s === 'enabled' || s === '2') return 'enabled';
  if (s === '0' || s === 'disabled') return 'disabled';
  if (s === 'account_default') return 'account_default';
  return undefined;
}

export interface SmtpControl {
  options: MessageOptions;
  /** Human-readable problems (an SMTP 5xx reply text); empty when all headers were valid. */
  errors: string[];
}

/**
 * Reads the Mailjet control headers from `headers` (name/value pairs as they appear in the
 * message; values may be folded and RFC 2047 encoded). Later duplicates win.
 */
export function extractMailjetSmtpHeaders(headers: Iterable<readonly [string, string]>): SmtpControl {
  const options: MessageOptions = {};
  const errors: string[] = [];
  const str = (name: string, v: string, max: number): string | undefined => {
    if (v.length > max) return void errors.push(`${name} is longer than ${max} characters`);
    return v;
  };
  for (const [rawName, rawValue] of headers) {
    const name = rawName.trim();
    const key = name.toLowerCase();
    if (!isMailjetControlHeader(key)) continue;
    const v = decodeMimeWords(rawValue.replace(/\r?\n(?=[ \t])/g, '').trim());
    switch (key) {
      case 'x-mj-customid': {
        const s = str(name, v, LIMITS.customId);
        if (s !== undefined) options.customId = s;
        break;
      }
      case 'x-mj-eventpayload': {
        const s = str(name, v, LIMITS.eventPayload);
        if (s !== undefined) options.eventPayload = s;
        break;
      }
      case 'x-mailjet-campaign': {
        const s = str(name, v, LIMITS.customCampaign);
        if (s !== undefined) options.customCampaign = s;
        break;
      }
      case 'x-mj-monitoringcategory': {
        const s = str(name, v, LIMITS.monitoringCategory);
        if (s !== undefined) options.monitoringCategory = s;
        break;
      }
      case 'x-mailjet-deduplicatecampaign': {
        const f = flag(v);
        if (f === undefined) errors.push(`${name} must be 0 or 1`);
        else options.deduplicateCampaign = f;
        break;
      }
      case 'x-mj-templateid': {
        if (!/^[0-9]{1,15}$/.test(v) || Number(v) <= 0) errors.push(`${name} must be a positive integer`);
        else options.templateId = Number(v);
        break;
      }
      case 'x-mj-templatelanguage': {
        const f = flag(v);
        if (f === undefined) errors.push(`${name} must be 0 or 1`);
        else options.templateLanguage = f;
        break;
      }
      case 'x-mj-templateerrordeliver': {
        const f = v.toLowerCase() === 'deliver' ? true : flag(v);
        if (f === undefined) errors.push(`${name} must be "deliver" or 0`);
        else options.templateErrorDeliver = f;
        break;
      }
      case 'x-mj-templateerrorreporting': {
        const bare = /<([^<>]*)>\s*$/.exec(v)?.[1] ?? v;
        const check = validateAddress(bare.trim());
        if (!check.ok) errors.push(`${name}: ${check.message}`);
        else options.templateErrorReporting = { email: check.email };
        break;
      }
      case 'x-mj-vars': {
        let parsed: unknown;
        try {
          parsed = JSON.parse(v);
        } catch {
          errors.push(`${name} is not valid JSON`);
          break;
        }
        if (!isPlainObject(parsed)) errors.push(`${name} must be a JSON object`);
        else options.variables = parsed;
        break;
      }
      case 'x-mailjet-trackopen':
      case 'x-mailjet-trackclick': {
        const t = trackValue(v);
        if (t === undefined) errors.push(`${name} must be 0 or 1`);
        else if (key === 'x-mailjet-trackopen') options.trackOpens = t;
        else options.trackClicks = t;
        break;
      }
      case 'x-mailjet-prio': {
        if (!/^[0-9]$/.test(v) || Number(v) > LIMITS.maxPriority) errors.push(`${name} must be 0 to ${LIMITS.maxPriority}`);
        else options.priority = Number(v);
        break;
      }
      default:
        break; // other X-MJ-* / X-Mailjet-* headers: stripped, not interpreted
    }
  }
  if (options.deduplicateCampaign === true && !options.customCampaign) {
    errors.push('X-Mailjet-DeduplicateCampaign needs X-Mailjet-Campaign');
  }
  if ((options.templateErrorReporting || options.templateErrorDeliver !== undefined) && options.templateLanguage !== true) {
    errors.push('X-MJ-TemplateErrorReporting and X-MJ-TemplateErrorDeliver need X-MJ-TemplateLanguage: 1');
  }
  return { options, errors };
}

/** Offset of the blank line ending the header block and the length of the separator. */
function headerEnd(raw: Buffer): { end: number; sep: number } {
  if (raw.length >= 2 && raw[0] === 0x0d && raw[1] === 0x0a) return { end: 0, sep: 2 }; // no headers
  if (raw.length >= 1 && raw[0] === 0x0a) return { end: 0, sep: 1 };
  const crlf = raw.indexOf('\r\n\r\n');
  // a bare-LF end counts only before the CRLF one: no need to scan the whole body for it
  const lf = (crlf >= 0 ? raw.subarray(0, crlf + 2) : raw).indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { end: crlf + 2, sep: 2 };
  if (lf >= 0) return { end: lf + 1, sep: 1 };
  return { end: raw.length, sep: 0 };
}

/**
 * Splits the header block of `raw` into fields (each with its raw bytes, continuation lines
 * included), keeping the original bytes so that kept fields are re-emitted unchanged.
 */
export function headerFields(raw: Buffer): { fields: { name: string; value: string; start: number; end: number }[]; bodyStart: number; headerEnd: number } {
  const { end, sep } = headerEnd(raw);
  const fields: { name: string; value: string; start: number; end: number }[] = [];
  let pos = 0;
  while (pos < end) {
    let lineEnd = raw.indexOf(0x0a, pos);
    if (lineEnd < 0 || lineEnd >= end) lineEnd = end - 1;
    let fieldEnd = lineEnd + 1;
    // continuation lines start with SP or HTAB
    while (fieldEnd < end && (raw[fieldEnd] === 0x20 || raw[fieldEnd] === 0x09)) {
      const next = raw.indexOf(0x0a, fieldEnd);
      fieldEnd = next < 0 || next >= end ? end : next + 1;
    }
    const text = raw.toString('latin1', pos, fieldEnd);
    const colon = text.indexOf(':');
    const name = colon > 0 ? text.slice(0, colon).trim() : '';
    // latin1 keeps raw bytes 1:1; re-decode the value as UTF-8 for 8-bit header values
    const value = colon > 0 ? raw.toString('utf8', pos + colon + 1, fieldEnd).replace(/\r?\n$/, '') : '';
    fields.push({ name, value, start: pos, end: fieldEnd });
    pos = fieldEnd;
  }
  return { fields, bodyStart: end + sep, headerEnd: end };
}

/**
 * Removes every X-MJ-* / X-Mailjet-* header from `raw` and returns the removed headers
 * with the rewritten message. The body (everything after the blank line) is not copied
 * field by field but appended as one untouched slice; when nothing is removed, `raw` itself
 * is returned.
 */
export function stripMailjetSmtpHeaders(raw: Buffer): { message: Buffer; removed: [string, string][] } {
  const { fields } = headerFields(raw);
  const removed: [string, string][] = [];
  const keep: Buffer[] = [];
  let last = 0;
  for (const f of fields) {
    if (f.name && isMailjetControlHeader(f.name)) {
      if (f.start > last) keep.push(raw.subarray(last, f.start));
      last = f.end;
      removed.push([f.name, f.value]);
    }
  }
  if (removed.length === 0) return { message: raw, removed };
  keep.push(raw.subarray(last));
  return { message: Buffer.concat(keep), removed };
}

/** Both at once: the rewritten message and the options its control headers set. */
export function takeMailjetSmtpHeaders(raw: Buffer): SmtpControl & { message: Buffer } {
  const { message, removed } = stripMailjetSmtpHeaders(raw);
  return { message, ...extractMailjetSmtpHeaders(removed) };
}

