// Validation of one Send API v3.1 message (already merged with Globals and re-keyed with
// canonical property names) into a NormalizedMessage, or the list of Mailjet errors.
// Every problem is reported, not just the first, as Mailjet does.
import { headerInjectionSafe, validateAddress } from './address.ts';
import { type MailjetError, mailjetError } from './errors.ts';
import { isPlainObject } from './fields.ts';
import { isForbiddenHeader } from './forbidden-headers.ts';
import type { Address, Attachment, NormalizedMessage, TrackSetting } from './types.ts';

export const LIMITS = {
  recipientsPerList: 50,
  arrayItems: 50, // Attachments, InlinedAttachments, Headers, Variables (Mailjet mj-0008)
  subject: 255,
  urlTags: 256,
  name: 255,
  customId: 255,
  customCampaign: 255,
  monitoringCategory: 255,
  eventPayload: 65_535,
  filename: 255,
  headerValue: 998, // one unfoldable line (RFC 5322 §2.1.1)
  attachmentBytes: 15 * 1024 * 1024,
  maxPriority: 4,
} as const;

const TRACK_VALUES: readonly TrackSetting[] = ['account_default', 'disabled', 'enabled'];
const HEADER_NAME = /^[!-9;-~]+$/; // RFC 5322 ftext: printable ASCII except ':'
const CONTENT_TYPE = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(?:\s*;.*)?$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const CONTENT_ID = /^[^\s<>"()\\,;:@[\]]+(?:@[^\s<>"()\\,;:@[\]]+)?$/;

type Errors = MailjetError[];

const mismatch = (errors: Errors, path: string, type: string) =>
  errors.push(mailjetError('mj-0004', `Type mismatch. Expected type "${type}".`, [path]));
const missing = (errors: Errors, path: string) =>
  errors.push(mailjetError('mj-0003', 'Missing mandatory property.', [path]));
const tooLong = (errors: Errors, path: string, len: number, max: number) =>
  errors.push(mailjetError('mj-0006', `Property "${path}" is too long: ${len} characters, maximum ${max}.`, [path]));
const injection = (errors: Errors, path: string) =>
  errors.push(
    mailjetError('mj-0005', `Property "${path}" must not contain line breaks (CR, LF) or NUL characters.`, [path]),
  );

function optString(errors: Errors, m: Record<string, unknown>, key: string, max: number, headerSafe: boolean) {
  const v = m[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') return void mismatch(errors, key, 'string');
  if (v.length > max) return void tooLong(errors, key, v.length, max);
  if (headerSafe && !headerInjectionSafe(v)) return void injection(errors, key);
  return v;
}

function optBoolean(errors: Errors, m: Record<string, unknown>, key: string) {
  const v = m[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') return void mismatch(errors, key, 'boolean');
  return v;
}

function address(errors: Errors, v: unknown, path: string, type: string): Address | undefined {
  if (!isPlainObject(v)) return void mismatch(errors, path, type);
  let ok = true;
  for (const k of Object.keys(v)) {
    if (k !== 'Email' && k !== 'Name') {
      errors.push(mailjetError('mj-0004', `Type mismatch. Unknown property "${k}".`, [`${path}.${k}`]));
      ok = false;
    }
  }
  const email = v.Email;
  const name = v.Name;
  let out: Address | undefined;
  if (email === undefined || email === null) missing(errors, `${path}.Email`);
  else if (typeof email !== 'string') mismatch(errors, `${path}.Email`, 'string');
  else if (email === '') errors.push(mailjetError('mj-0012', 'Property "Email" must not be an empty string.', [`${path}.Email`]));
  else {
    const check = validateAddress(email);
    if (check.ok) out = { email: check.email };
    else errors.push(mailjetError('mj-0013', check.message, [`${path}.Email`]));
  }
  if (name !== undefined && name !== null && name !== '') {
    if (typeof name !== 'string') mismatch(errors, `${path}.Name`, 'string');
    else if (name.length > LIMITS.name) tooLong(errors, `${path}.Name`, name.length, LIMITS.name);
    else if (!headerInjectionSafe(name)) injection(errors, `${path}.Name`);
    else if (out) out.name = name;
  }
  return ok ? out : undefined;
}

function addressList(errors: Errors, m: Record<string, unknown>, key: 'To' | 'Cc' | 'Bcc'): Address[] {
  const v = m[key];
  if (v === undefined || v === null) {
    if (key === 'To') missing(errors, 'To');
    return [];
  }
  if (!Array.isArray(v)) {
    mismatch(errors, key, 'array of emails');
    return [];
  }
  if (v.length === 0 && key === 'To') {
    errors.push(mailjetError('mj-0007', 'Property "To" must not be an empty array.', ['To']));
    return [];
  }
  if (v.length > LIMITS.recipientsPerList) {
    errors.push(
      mailjetError('send-0015', `Too many recipients in "${key}": ${v.length}, maximum ${LIMITS.recipientsPerList}.`, [key]),
    );
    return [];
  }
  const out: Address[] = [];
  v.forEach((item, i) => {
    const a = address(errors, item, `${key}[${i}]`, 'emailIn');
    if (a) out.push(a);
  });
  return out;
}

function attachments(errors: Errors, m: Record<string, unknown>, key: 'Attachments' | 'InlinedAttachments'): Attachment[] {
  const v = m[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    mismatch(errors, key, 'array of attachments');
    return [];
  }
  if (v.length > LIMITS.arrayItems) {
    errors.push(mailjetError('mj-0008', `Property "${key}" has ${v.length} items, maximum ${LIMITS.arrayItems}.`, [key]));
    return [];
  }
  const inline = key === 'InlinedAttachments';
  const allowed = inline ? ['ContentType', 'Filename', 'Base64Content', 'ContentID'] : ['ContentType', 'Filename', 'Base64Content'];
  const out: Attachment[] = [];
  v.forEach((a, i) => {
    const p = `${key}[${i}]`;
    if (!isPlainObject(a)) {
      mismatch(errors, p, 'attachment');
      return;
    }
    const before = errors.length;
    for (const k of Object.keys(a)) {
      if (!allowed.includes(k)) errors.push(mailjetError('mj-0004', `Type mismatch. Unknown property "${k}".`, [`${p}.${k}`]));
    }
    const str = (k: string): string | undefined => {
      const s = a[k];
      if (s === undefined || s === null) return void missing(errors, `${p}.${k}`);
      if (typeof s !== 'string') return void mismatch(errors, `${p}.${k}`, 'string');
      if (s === '') return void errors.push(mailjetError('mj-0012', `Property "${k}" must not be an empty string.`, [`${p}.${k}`]));
      return s;
    };
    const contentType = str('ContentType');
    const filename = str('Filename');
    const b64raw = str('Base64Content');
    if (contentType !== undefined && (!CONTENT_TYPE.test(contentType) || !headerInjectionSafe(contentType))) {
      errors.push(mailjetError('mj-0005', `"${contentType.slice(0, 100)}" is not a valid MIME content type.`, [`${p}.ContentType`]));
    }
    if (filename !== undefined) {
      if (filename.length > LIMITS.filename) tooLong(errors, `${p}.Filename`, filename.length, LIMITS.filename);
      else if (!headerInjectionSafe(filename)) injection(errors, `${p}.Filename`);
    }
    let contentId: string | undefined;
    if (inline) {
      const cid = a.ContentID;
      if (cid !== undefined && cid !== null && cid !== '') {
        if (typeof cid !== 'string') mismatch(errors, `${p}.ContentID`, 'string');
        else {
          const bare = cid.replace(/^<(.*)>$/, '$1');
          if (!CONTENT_ID.test(bare) || bare.length > 255) {
            errors.push(mailjetError('mj-0005', `"${cid.slice(0, 100)}" is not a valid ContentID.`, [`${p}.ContentID`]));
          } else contentId = bare;
        }
      } else if (filename !== undefined && CONTENT_ID.test(filename)) {
        contentId = filename; // Mailjet: "cid:Filename" works when no ContentID is given
      }
    }
    let base64: string | undefined;
    if (b64raw !== undefined) {
      base64 = /\s/.test(b64raw) ? b64raw.replace(/\s+/g, '') : b64raw;
      if (base64.length % 4 === 1 || !BASE64.test(base64) || /=[^=]/.test(base64)) {
        errors.push(mailjetError('mj-0004', 'Type mismatch. Expected type "base64".', [`${p}.Base64Content`]));
        base64 = undefined;
      } else if (base64.length % 4 !== 0) {
        base64 += '='.repeat(4 - (base64.length % 4));
      }
    }
    if (errors.length === before && contentType && filename && base64 !== undefined) {
      const pad = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
      const size = (base64.length / 4) * 3 - pad;
      out.push(contentId === undefined ? { contentType, filename, base64, size } : { contentType, filename, base64, size, contentId });
    }
  });
  return out;
}

function headers(errors: Errors, m: Record<string, unknown>): Record<string, string> {
  const v = m.Headers;
  const out: Record<string, string> = {};
  if (v === undefined || v === null) return out;
  if (!isPlainObject(v)) {
    mismatch(errors, 'Headers', 'object');
    return out;
  }
  const names = Object.keys(v);
  if (names.length > LIMITS.arrayItems) {
    errors.push(mailjetError('mj-0008', `Property "Headers" has ${names.length} items, maximum ${LIMITS.arrayItems}.`, ['Headers']));
    return out;
  }
  const seen = new Set<string>();
  for (const name of names) {
    const p = `Headers["${name}"]`;
    const value = v[name];
    if (!HEADER_NAME.test(name) || name.length > 76) {
      errors.push(mailjetError('mj-0005', `"${name.slice(0, 100)}" is not a valid header name.`, [p]));
    } else if (isForbiddenHeader(name)) {
      errors.push(
        mailjetError('send-0011', `The header "${name}" cannot be set in Headers: use the dedicated message property.`, [p]),
      );
    } else if (seen.has(name.toLowerCase())) {
      errors.push(mailjetError('mj-0005', `The header "${name}" is given more than once.`, [p]));
    } else if (typeof value !== 'string') {
      mismatch(errors, p, 'string');
    } else if (!headerInjectionSafe(value)) {
      injection(errors, p);
    } else if (value.length > LIMITS.headerValue) {
      tooLong(errors, p, value.length, LIMITS.headerValue);
    } else {
      out[name] = value;
    }
    seen.add(name.toLowerCase());
  }
  return out;
}

function track(errors: Errors, m: Record<string, unknown>, key: 'TrackOpens' | 'TrackClicks'): TrackSetting {
  const v = m[key];
  if (v === undefined || v === null) return 'account_default';
  if (typeof v !== 'string') {
    mismatch(errors, key, 'string');
    return 'account_default';
  }
  if (!(TRACK_VALUES as readonly string[]).includes(v)) {
    errors.push(
      mailjetError('mj-0005', `"${v.slice(0, 50)}" is not an allowed value for ${key}: use "account_default", "disabled" or "enabled".`, [key]),
    );
    return 'account_default';
  }
  return v as TrackSetting;
}

export type MessageValidation = { ok: true; message: NormalizedMessage } | { ok: false; errors: MailjetError[] };

/** Validates one canonicalized (and Globals-merged) message. */
export function validateMessage(m: Record<string, unknown>): MessageValidation {
  const errors: Errors = [];
  const from = m.From === undefined || m.From === null ? undefined : address(errors, m.From, 'From', 'emailIn');
  const sender = m.Sender === undefined || m.Sender === null ? undefined : address(errors, m.Sender, 'Sender', 'emailIn');
  const replyTo = m.ReplyTo === undefined || m.ReplyTo === null ? undefined : address(errors, m.ReplyTo, 'ReplyTo', 'emailIn');
  const to = addressList(errors, m, 'To');
  const cc = addressList(errors, m, 'Cc');
  const bcc = addressList(errors, m, 'Bcc');
  const subject = optString(errors, m, 'Subject', LIMITS.subject, true);
  const textPart = optString(errors, m, 'TextPart', Number.MAX_SAFE_INTEGER, false);
  const htmlPart = optString(errors, m, 'HTMLPart', Number.MAX_SAFE_INTEGER, false);

  let templateId: number | undefined;
  if (m.TemplateID !== undefined && m.TemplateID !== null) {
    if (typeof m.TemplateID !== 'number' || !Number.isSafeInteger(m.TemplateID)) mismatch(errors, 'TemplateID', 'integer');
    else if (m.TemplateID <= 0) errors.push(mailjetError('mj-0005', 'TemplateID must be a positive integer.', ['TemplateID']));
    else templateId = m.TemplateID;
  }
  const templateLanguage = optBoolean(errors, m, 'TemplateLanguage');
  const templateErrorReporting =
    m.TemplateErrorReporting === undefined || m.TemplateErrorReporting === null
      ? undefined
      : address(errors, m.TemplateErrorReporting, 'TemplateErrorReporting', 'emailIn');
  const templateErrorDeliver = optBoolean(errors, m, 'TemplateErrorDeliver');
  const hasReportingOptions =
    (m.TemplateErrorReporting !== undefined && m.TemplateErrorReporting !== null) ||
    (m.TemplateErrorDeliver !== undefined && m.TemplateErrorDeliver !== null);
  if (hasReportingOptions && templateLanguage !== true) {
    errors.push(
      mailjetError(
        'send-0016',
        'TemplateErrorReporting and TemplateErrorDeliver need "TemplateLanguage": true.',
        ['TemplateLanguage'],
      ),
    );
  }

  let variables: Record<string, unknown> = {};
  if (m.Variables !== undefined && m.Variables !== null) {
    if (!isPlainObject(m.Variables)) mismatch(errors, 'Variables', 'object');
    else if (Object.keys(m.Variables).length > LIMITS.arrayItems) {
      errors.push(
        mailjetError('mj-0008', `Property "Variables" has ${Object.keys(m.Variables).length} items, maximum ${LIMITS.arrayItems}.`, ['Variables']),
      );
    } else variables = m.Variables;
  }

  const att = attachments(errors, m, 'Attachments');
  const inl = attachments(errors, m, 'InlinedAttachments');
  let total = 0;
  for (const a of att) total += a.size;
  for (const a of inl) total += a.size;
  if (total > LIMITS.attachmentBytes) {
    errors.push(
      mailjetError(
        'mj-0011',
        `Attachments and InlinedAttachments total ${total} bytes, over the 15 MB limit (${LIMITS.attachmentBytes} bytes).`,
        ['Attachments', 'InlinedAttachments'],
      ),
    );
  }

  let priority: number | undefined;
  if (m.Priority !== undefined && m.Priority !== null) {
    if (typeof m.Priority !== 'number' || !Number.isInteger(m.Priority)) mismatch(errors, 'Priority', 'integer');
    else if (m.Priority < 0 || m.Priority > LIMITS.maxPriority) {
      errors.push(mailjetError('mj-0005', `Priority must be between 0 and ${LIMITS.maxPriority}.`, ['Priority']));
    } else priority = m.Priority;
  }
  const customCampaign = optString(errors, m, 'CustomCampaign', LIMITS.customCampaign, true);
  const deduplicateCampaign = optBoolean(errors, m, 'DeduplicateCampaign');
  if (deduplicateCampaign === true && !customCampaign) {
    errors.push(
      mailjetError('send-0012', 'DeduplicateCampaign needs a CustomCampaign.', ['CustomCampaign', 'DeduplicateCampaign']),
    );
  }
  const trackOpens = track(errors, m, 'TrackOpens');
  const trackClicks = track(errors, m, 'TrackClicks');
  const customId = optString(errors, m, 'CustomID', LIMITS.customId, true);
  const eventPayload = optString(errors, m, 'EventPayload', LIMITS.eventPayload, false);
  const monitoringCategory = optString(errors, m, 'MonitoringCategory', LIMITS.monitoringCategory, true);
  const urlTags = optString(errors, m, 'URLTags', LIMITS.urlTags, true);
  const hdrs = headers(errors, m);

  if (!textPart && !htmlPart && templateId === undefined && m.TemplateID === undefined) {
    errors.push(
      mailjetError('send-0003', 'At least "HTMLPart", "TextPart" or "TemplateID" must be provided.', [
        'TextPart',
        'HTMLPart',
        'TemplateID',
      ]),
    );
  }
  if ((m.From === undefined || m.From === null) && m.TemplateID === undefined) missing(errors, 'From');

  if (errors.length > 0) return { ok: false, errors };

  // Duplicates across To/Cc/Bcc count once (Mailjet): keep the first occurrence.
  const seen = new Set<string>();
  const dedupe = (list: Address[]) =>
    list.filter((a) => {
      const k = a.email.toLowerCase();
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });

  const message: NormalizedMessage = {
    to: dedupe(to),
    cc: dedupe(cc),
    bcc: dedupe(bcc),
    templateLanguage: templateLanguage ?? false,
    templateErrorDeliver: templateErrorDeliver ?? false,
    variables,
    attachments: att,
    inlinedAttachments: inl,
    deduplicateCampaign: deduplicateCampaign ?? false,
    trackOpens,
    trackClicks,
    customId: customId ?? '',
    headers: hdrs,
  };
  if (from) message.from = from;
  if (sender) message.sender = sender;
  if (replyTo) message.replyTo = replyTo;
  if (subject !== undefined) message.subject = subject;
  if (textPart) message.textPart = textPart;
  if (htmlPart) message.htmlPart = htmlPart;
  if (templateId !== undefined) message.templateId = templateId;
  if (templateErrorReporting) message.templateErrorReporting = templateErrorReporting;
  if (priority !== undefined) message.priority = priority;
  if (customCampaign !== undefined) message.customCampaign = customCampaign;
  if (eventPayload !== undefined) message.eventPayload = eventPayload;
  if (monitoringCategory !== undefined) message.monitoringCategory = monitoringCategory;
  if (urlTags !== undefined) message.urlTags = urlTags;
  return { ok: true, message };
}
