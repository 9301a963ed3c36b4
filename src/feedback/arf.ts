// Feedback-loop reports (complaints). RFC 5965 `multipart/report; report-type=feedback-report`
// with a message/feedback-report part, plus the variants seen from FBL programmes: Yahoo
// (old `Version: 0.1` reports), Return Path/Validity (`Source-Ip`, `Abuse-Type`), abusix,
// RFC 6591 auth-failure reports, and Microsoft JMRP (no machine-readable part: the complained-
// about message is attached and `X-HmXmrOriginalRecipient` names the recipient).
import { decodeWords, DEFAULT_LIMITS, header, headerAll, type MimePart, parseHeaderBlock, parseMime, partText, walk } from './mime.ts';

export interface ArfReport {
  isArf: boolean;
  /** why the input is not a report, when isArf is false */
  why?: string;
  /** `rfc5965`, `jmrp`, or `apple-unsubscribe` */
  variant?: string;
  feedbackType?: string;
  userAgent?: string;
  version?: string;
  originalMailFrom?: string;
  /** all Original-Rcpt-To (or the JMRP recipient), in report order */
  originalRecipients: string[];
  originalRecipient?: string;
  arrivalDate?: string;
  sourceIp?: string;
  reportingMta?: string;
  reportedDomain?: string;
  /** domain of the reported message's From (attribution fallback when Reported-Domain is absent) */
  authorDomain?: string;
  reportedUri?: string[];
  authFailure?: string;
  originalEnvelopeId?: string;
  incidents?: number;
  originalMessageId?: string;
  originalFrom?: string;
  originalSubject?: string;
  /** the Feedback-ID header of the reported message (Gmail-style `a:b:c:SenderId`) */
  feedbackId?: string;
  /** headers of the reported message (first value of each, MIME words decoded) */
  originalHeaders?: Record<string, string>;
  truncated?: string[];
}

/** Header map of an embedded message: first value of each field, decoded. */
export function headerMap(part: MimePart | undefined): Record<string, string> | undefined {
  if (!part || part.headers.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const h of part.headers.slice(0, 500)) if (!(h.name in out)) out[h.name] = decodeWords(h.value).slice(0, 4096);
  return out;
}

function embeddedOriginal(root: MimePart): MimePart | undefined {
  for (const p of walk(root)) {
    if (p === root) continue;
    if (p.embedded) return p.embedded;
  }
  return undefined;
}

function fillOriginal(r: ArfReport, orig: MimePart | undefined): void {
  const map = headerMap(orig);
  if (!map) return;
  r.originalHeaders = map;
  if (map['message-id']) r.originalMessageId = map['message-id'].trim();
  if (map.from) r.originalFrom = map.from.trim();
  if (map.subject) r.originalSubject = map.subject.trim();
  if (map['feedback-id']) r.feedbackId = map['feedback-id'].trim();
}

export function parseArf(raw: Buffer | string): ArfReport {
  let parsed: ReturnType<typeof parseMime>;
  try {
    parsed = parseMime(raw, DEFAULT_LIMITS);
  } catch (err) {
    return { isArf: false, why: `unparseable: ${(err as Error).message}`, originalRecipients: [] };
  }
  const { root, truncated } = parsed;
  const base: ArfReport = { isArf: false, originalRecipients: [] };
  if (truncated.length) base.truncated = truncated;

  let fbPart: MimePart | undefined;
  for (const p of walk(root)) {
    if (p.type === 'message/feedback-report') {
      fbPart = p;
      break;
    }
  }
  if (!fbPart) {
    // Microsoft JMRP: an attached message carrying X-HmXmrOriginalRecipient.
    const orig = embeddedOriginal(root);
    const jmrpRcpt = orig ? header(orig.headers, 'x-hmxmroriginalrecipient') : undefined;
    if (orig && jmrpRcpt) {
      const r: ArfReport = { ...base, isArf: true, variant: 'jmrp', feedbackType: 'abuse', originalRecipients: [jmrpRcpt.trim()] };
      r.originalRecipient = jmrpRcpt.trim();
      fillOriginal(r, orig);
      return r;
    }
    // Apple Mail's one-tap unsubscribe: a plain message flagged X-Apple-Unsubscribe.
    if (/^true$/i.test(header(root.headers, 'x-apple-unsubscribe') ?? '')) {
      const to = header(root.headers, 'to');
      return { ...base, isArf: false, variant: 'apple-unsubscribe', feedbackType: 'opt-out', why: 'Apple Mail unsubscribe request, not an ARF report', originalRecipients: to ? [to] : [] };
    }
    const rt = root.params['report-type'];
    return { ...base, why: rt === 'feedback-report' ? 'report-type=feedback-report but no message/feedback-report part' : root.type === 'multipart/report' ? `multipart/report of type ${rt ?? '(none)'}, not feedback-report` : `no message/feedback-report part (top-level ${root.type})` };
  }

  const fields = parseHeaderBlock(partText(fbPart).replace(/\n[ \t]*\n/g, '\n'), 64 * 1024);
  const one = (n: string) => {
    const v = header(fields, n);
    return v === undefined ? undefined : v.trim();
  };
  const r: ArfReport = { ...base, isArf: true, variant: 'rfc5965' };
  r.feedbackType = one('feedback-type')?.toLowerCase();
  r.userAgent = one('user-agent');
  r.version = one('version');
  r.originalMailFrom = one('original-mail-from');
  // Removal-Recipient (older drafts, some FBLs) often repeats Original-Rcpt-To: keep each once.
  const seenRcpt = new Set<string>();
  for (const v of [...headerAll(fields, 'original-rcpt-to'), ...headerAll(fields, 'removal-recipient')]) {
    const key = v.replace(/[<>\s]/g, '').toLowerCase();
    if (!key || seenRcpt.has(key)) continue;
    seenRcpt.add(key);
    r.originalRecipients.push(v.trim());
  }
  r.originalRecipient = r.originalRecipients[0];
  r.arrivalDate = one('arrival-date') ?? one('received-date');
  r.sourceIp = one('source-ip');
  const reporting = one('reporting-mta');
  if (reporting) r.reportingMta = reporting;
  r.reportedDomain = one('reported-domain');
  const uris = headerAll(fields, 'reported-uri');
  if (uris.length) r.reportedUri = uris;
  r.authFailure = one('auth-failure');
  r.originalEnvelopeId = one('original-envelope-id');
  const inc = one('incidents');
  if (inc && /^\d+$/.test(inc)) r.incidents = Number(inc);
  fillOriginal(r, embeddedOriginal(root));
  if (r.reportingMta) r.reportingMta = r.reportingMta.trim();
  if (r.originalHeaders?.from) {
    // The reported message's author domain: what attribution keys on when the report has no
    // Reported-Domain (RFC 5965 leaves it optional).
    const m = /@([A-Za-z0-9.-]+)/.exec(r.originalHeaders.from);
    if (m) r.authorDomain = m[1].toLowerCase();
  }
  if (!r.feedbackType) {
    r.isArf = false;
    r.why = 'message/feedback-report part without Feedback-Type';
  }
  for (const k of Object.keys(r) as (keyof ArfReport)[]) if (r[k] === undefined) delete r[k];
  return r;
}

