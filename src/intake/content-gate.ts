// Intake step `content-gate`: scores the message with the content check (src/content) and
// applies the tenant's threshold for its stream. Blocked: the message is refused with the
// top hits; warned: it goes, and the warning is kept on its reception event.
import { createHash } from 'node:crypto';
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
// the check reads, so any difference in content is a new entry.
const cache = new Map<string, Awaited<ReturnType<typeof checkContent>>>();
const CACHE_MAX = 2000;

function cacheKey(d: Draft, input: ContentInput): string {
  const h = createHash('sha256').update(d.stream);
  if ('raw' in input && input.raw) h.update(input.raw as Buffer);
  else h.update(JSON.stringify(input));
  return h.digest('base64');
}

async function score(d: Draft, input: ContentInput) {
  const key = cacheKey(d, input);
  let report = cache.get(key);
  if (!report) {
    report = await checkContent(input, { stream: d.stream });
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(key, report);
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
