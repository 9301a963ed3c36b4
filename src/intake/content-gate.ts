// Intake step `content-gate`: scores the message with the content check (src/content) and
// applies the tenant's threshold for its stream. Blocked: the message is refused with the
// top hits; warned: it goes, and the warning is kept on its reception event.
import { createHash } from 'node:crypto';
import { bodyFacts } from '../auth/body-facts.ts';
import { checkContent, contentGateDecision } from '../content/index.ts';
import type { ContentInput } from '../content/types.ts';
import { getContentThresholds } from '../store/tenants-repo.ts';
import { mailjetError } from './mailjet/errors.ts';
import { reject } from './steps.ts';
import type { Draft, IntakeStep } from './types.ts';

function contentInput(d: Draft): ContentInput {
  const m = d.message;
  if (m) {
    return {
      subject: m.subject,
      text: m.textPart,
      html: m.htmlPart,
      from: m.from?.email,
      replyTo: m.replyTo?.email,
      headers: { ...m.headers, ...(d.stream === 'marketing' ? { 'List-Unsubscribe': '<https://relais/u/…>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}) },
      stream: d.stream,
      attachments: [...m.attachments, ...m.inlinedAttachments].map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size })),
    } as ContentInput;
  }
  return { raw: d.raw! } as ContentInput;
}

// Campaigns send one content to many recipients: score it once. Keyed by a hash of what
// the check reads, so any difference in content is a new entry. A raw (SMTP) message is
// keyed with its per-message identity headers normalised (identityNormalised): otherwise
// no two submissions of one campaign would ever share an entry. Concurrent submissions of
// the same content share the pending check.
const cache = new Map<string, Promise<Awaited<ReturnType<typeof checkContent>>>>();
const CACHE_MAX = 2000;
let cacheHits = 0;
let cacheMisses = 0;

/** Content-check cache counters, for benchmarks and tests. */
export function contentCacheStats(): { hits: number; misses: number; size: number } {
  return { hits: cacheHits, misses: cacheMisses, size: cache.size };
}

// What the content check reads of these headers (src/content/rules/structural.ts): that
// Date and Message-ID are present and well-formed. It does not read Received, Feedback-ID
// or X-Relais-*. So: a Date or Message-ID in the canonical form every mail library writes
// is replaced by its shape (digits, resp. the local part's letters and digits, masked),
// which keeps presence and format; any other form is kept verbatim (it then simply does
// not share an entry); the others are blanked. The raw length is keyed apart, so the
// message-size rules see the same size.
const CANON_DATE = /^\s*(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}(?::\d{2})? [+-]\d{4}(?: \([A-Za-z]{1,5}\))?\s*$/;
const CANON_MSGID = /^(\s*<)([A-Za-z0-9._$%+=-]+)(@[A-Za-z0-9.-]+>\s*)$/;
const BLANKED = /^(received|feedback-id|x-relais-[a-z0-9-]+)$/i;

function normaliseField(name: string, value: string): string {
  const n = name.toLowerCase();
  if (n === 'date') return CANON_DATE.test(value) ? value.replace(/\d/g, '0') : value;
  if (n === 'message-id') {
    const m = CANON_MSGID.exec(value);
    return m ? `${m[1]}${m[2].replace(/[A-Za-z0-9]/g, 'x')}${m[3]}` : value;
  }
  return BLANKED.test(n) ? '' : value;
}

/**
 * The header block of a raw message with its per-message identity headers normalised,
 * and where the body starts. Only single-line fields are normalised (a folded Date or
 * Message-ID is kept as it is).
 */
export function identityNormalised(raw: Buffer): { header: string; bodyStart: number } {
  let end = raw.indexOf('\r\n\r\n');
  let bodyStart = end + 4;
  // a bare-LF blank line counts only before the CRLF one: do not scan the whole body for it
  const lf = (end >= 0 ? raw.subarray(0, end + 2) : raw).indexOf('\n\n');
  if (lf >= 0 && (end < 0 || lf < end)) {
    end = lf;
    bodyStart = lf + 2;
  }
  if (end < 0) return { header: '', bodyStart: 0 };
  const lines = raw.toString('latin1', 0, end).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const folded = i + 1 < lines.length && (lines[i + 1][0] === ' ' || lines[i + 1][0] === '\t');
    const colon = line.indexOf(':');
    if (colon <= 0 || line[0] === ' ' || line[0] === '\t' || folded) continue;
    const cr = line.endsWith('\r') ? '\r' : '';
    const value = line.slice(colon + 1, line.length - cr.length);
    const norm = normaliseField(line.slice(0, colon), value);
    if (norm !== value) lines[i] = `${line.slice(0, colon + 1)}${norm}${cr}`;
  }
  return { header: lines.join('\n'), bodyStart };
}

function cacheKey(d: Draft, input: ContentInput): string {
  const h = createHash('sha256').update(d.stream);
  if ('raw' in input && input.raw) {
    const raw = input.raw as Buffer;
    const { header } = identityNormalised(raw);
    // The body enters the key as its DKIM body hash (relaxed canonical form: bodies that
    // differ only in runs of spaces or trailing blank lines share a report). The signer
    // reuses that hash at delivery, so the body is hashed once in all.
    d.bodyFacts ??= bodyFacts(raw);
    h.update(`\0${raw.length}\0`).update(header, 'latin1').update('\0').update(d.bodyFacts.bh).update(`\0${d.bodyFacts.bodyLength}`);
  } else h.update(JSON.stringify(input));
  return h.digest('base64');
}

function score(d: Draft, input: ContentInput) {
  const key = cacheKey(d, input);
  let report = cache.get(key);
  if (report) cacheHits++;
  else {
    cacheMisses++;
    report = checkContent(input, { stream: d.stream });
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(key, report);
    // a failed check is not remembered: the next message tries again
    report.catch(() => {
      if (cache.get(key) === report) cache.delete(key);
    });
  }
  return report;
}

// Thresholds change rarely; reading them once a second per tenant keeps a query off
// every message.
const thresholdCache = new Map<number, { at: number; value: Awaited<ReturnType<typeof getContentThresholds>> }>();
async function thresholdsFor(store: Parameters<typeof getContentThresholds>[0], tenantId: number) {
  const hit = thresholdCache.get(tenantId);
  if (hit && Date.now() - hit.at < 1000) return hit.value;
  const value = await getContentThresholds(store, tenantId);
  if (thresholdCache.size > 10000) thresholdCache.clear();
  thresholdCache.set(tenantId, { at: Date.now(), value });
  return value;
}

/** Drops the cached thresholds of a tenant (after an operator changed them). */
export function forgetContentThresholds(tenantId: number): void {
  thresholdCache.delete(tenantId);
}

export const contentGateStep: IntakeStep = {
  name: 'content-gate',
  async run(d, ctx) {
    if (!d.message && !d.raw) return;
    const thresholds = await thresholdsFor(ctx.store, d.tenantId);
    const threshold = thresholds[d.stream] ?? undefined;
    let report: Awaited<ReturnType<typeof checkContent>>;
    try {
      report = await score(d, contentInput(d));
    } catch (err) {
      // The check must never lose a message: an unscorable message is sent with a warning.
      d.warnings.push(`content check failed: ${(err as Error).message}`);
      return;
    }
    const decision = contentGateDecision(report, { stream: d.stream, threshold });
    if (decision.action === 'block') {
      throw reject([mailjetError('content-0001', decision.message, ['Subject', 'TextPart', 'HTMLPart'])], 550, '5.7.1', 'content refused');
    }
    if (decision.action === 'warn') d.warnings.push(decision.message);
  },
};
