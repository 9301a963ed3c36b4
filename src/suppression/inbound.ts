// What the MX does with one message to the bounce domain. Per recipient address:
//   u+<id>-0-<tag>@   mailto unsubscribe (List-Unsubscribe mailto:) → unsubscribe
//   b+<id>-<n>-<tag>@ VERP return path → DSN (bounce), ARF (complaint), Apple unsubscribe,
//                     auto-reply (dropped: not a bounce)
//   anything else     feedback-loop address (fbl@, abuse@, ...) → ARF, attributed through a
//                     VERP address found in the reported message's headers
// Nothing is attributed without a valid HMAC: forged and unknown tags are dropped, counted
// and summarised in inbound_reports; reports that cannot be attributed are stored (with
// their first 256 KiB) for the operator.
import { nextId } from '../core/ids.ts';
import { parseArf, type ArfReport } from '../feedback/arf.ts';
import { type BounceReport, parseBounce } from '../feedback/bounce.ts';
import { detectBounceLoop } from '../feedback/loop.ts';
import { decodeVerp } from '../feedback/verp.ts';
import type { Store } from '../store/database.ts';
import { findMessageRef, type MessageRef, recordAsyncBounce, recordComplaint, recordUnsubscribe } from './feedback-actions.ts';
import { decodeUnsubscribeMailto } from './unsubscribe-links.ts';

export type InboundOutcome =
  | 'bounce'
  | 'bounce-duplicate'
  | 'delayed'
  | 'complaint'
  | 'unsubscribe'
  | 'vacation'
  | 'loop'
  | 'forged'
  | 'unknown'
  | 'unattributable'
  | 'not-report';

export interface InboundMessage {
  mailFrom: string;
  rcptTo: string[];
  raw: Buffer;
  /** the message was longer than what `raw` holds */
  truncated?: boolean;
  remoteIp?: string;
}

export interface InboundDeps {
  store: Store;
  bounceDomain: string;
  verpKey: Buffer;
  masterKey: Buffer;
  count?: (outcome: InboundOutcome) => void;
}

const STORED_RAW = 256 * 1024;

function kindOf(o: InboundOutcome): string {
  if (o === 'complaint') return 'complaint';
  if (o === 'unsubscribe') return 'unsubscribe';
  return 'bounce';
}

async function storeReport(deps: InboundDeps, m: InboundMessage, rcpt: string, outcome: InboundOutcome, summary: Record<string, unknown>, keepRaw: boolean, ref?: MessageRef): Promise<void> {
  await deps.store.db
    .insertInto('inbound_reports')
    .values({
      id: nextId(),
      kind: (summary.kind as string | undefined) ?? kindOf(outcome),
      outcome,
      tenant_id: ref?.tenantId ?? null,
      message_id: ref?.id ?? null,
      mail_from: m.mailFrom.slice(0, 320),
      rcpt_to: rcpt.slice(0, 320),
      summary: JSON.stringify({ ...summary, remote_ip: m.remoteIp ?? null, truncated: m.truncated ?? false }),
      raw: keepRaw ? m.raw.subarray(0, STORED_RAW) : null,
      size: m.raw.length,
      created_at: Date.now(),
    })
    .execute();
}

const VERP_IN_TEXT = /b\+[0-9a-z]{1,11}-[0-9a-z]{1,11}-[a-z2-7]{10}@[a-z0-9.-]+/gi;

/** The reported message's VERP address: Original-Mail-From, its Return-Path, any header. */
function verpFromArf(arf: ArfReport, deps: InboundDeps): number | undefined {
  const texts = [arf.originalMailFrom ?? '', ...Object.values(arf.originalHeaders ?? {})];
  for (const t of texts) {
    for (const candidate of t.match(VERP_IN_TEXT) ?? []) {
      // any domain: tenants' return-path hosts carry our VERP too; the HMAC decides
      const d = decodeVerp(candidate, deps.verpKey);
      if (d.ok) return d.messageId;
    }
  }
  return undefined;
}

function fblSource(arf: ArfReport): string {
  return (arf.variant === 'jmrp' ? 'JMRP' : arf.userAgent || arf.reportingMta || 'FBL').slice(0, 100);
}

/** Handles one message; returns the outcome per recipient address. */
export async function processInbound(deps: InboundDeps, m: InboundMessage): Promise<{ rcpt: string; outcome: InboundOutcome }[]> {
  const out: { rcpt: string; outcome: InboundOutcome }[] = [];
  let bounce: BounceReport | undefined;
  let arf: ArfReport | undefined;
  const getBounce = () => {
    bounce ??= parseBounce(m.raw);
    return bounce;
  };
  const getArf = () => {
    arf ??= parseArf(m.raw);
    return arf;
  };
  for (const rcpt of [...new Set(m.rcptTo.map((r) => r.toLowerCase()))]) {
    const outcome = await processOne(deps, m, rcpt, getBounce, getArf);
    deps.count?.(outcome);
    out.push({ rcpt, outcome });
  }
  return out;
}

async function processOne(deps: InboundDeps, m: InboundMessage, rcpt: string, getBounce: () => BounceReport, getArf: () => ArfReport): Promise<InboundOutcome> {
  const local = rcpt.split('@')[0];

  if (local.startsWith('u+')) {
    const d = decodeUnsubscribeMailto(rcpt, deps.masterKey);
    if (!d.ok) {
      await storeReport(deps, m, rcpt, 'forged', { kind: 'unsubscribe', why: `mailto address ${d.reason}` }, false);
      return 'forged';
    }
    const ref = await findMessageRef(deps.store, d.messageId);
    if (!ref) {
      await storeReport(deps, m, rcpt, 'unknown', { kind: 'unsubscribe', why: 'no such message (expired or deleted)' }, false);
      return 'unknown';
    }
    await recordUnsubscribe(deps.store, { tenantId: ref.tenantId, address: ref.recipient, stream: ref.stream, messageId: ref.id, via: 'mailto' });
    return 'unsubscribe';
  }

  if (local.startsWith('b+')) {
    const d = decodeVerp(rcpt, deps.verpKey);
    if (!d.ok) {
      await storeReport(deps, m, rcpt, 'forged', { why: `VERP address ${d.reason}` }, false);
      return 'forged';
    }
    const ref = await findMessageRef(deps.store, d.messageId);
    if (!ref) {
      await storeReport(deps, m, rcpt, 'unknown', { why: 'VERP tag valid but no such message (expired or deleted)', message_id: d.messageId }, false);
      return 'unknown';
    }
    const report = getBounce();
    if (report.kind === 'feedback') {
      const a = getArf();
      if (a.variant === 'apple-unsubscribe' || a.feedbackType === 'opt-out') {
        await recordUnsubscribe(deps.store, { tenantId: ref.tenantId, address: ref.recipient, stream: ref.stream, messageId: ref.id, via: a.variant ?? 'opt-out' });
        return 'unsubscribe';
      }
      await recordComplaint(deps.store, ref, { feedbackType: a.feedbackType, source: fblSource(a), sourceIp: a.sourceIp, arrivalDate: a.arrivalDate, reportedDomain: a.reportedDomain });
      return 'complaint';
    }
    if (report.kind === 'vacation') return 'vacation';
    if (!report.isBounce) {
      await storeReport(deps, m, rcpt, 'not-report', { why: report.why ?? 'not a bounce', message_id: ref.id }, false, ref);
      return 'not-report';
    }
    // The original's Return-Path is our own VERP address for every genuine bounce of
    // tenant mail, so it must not count as "from the bounce domain" in the loop check.
    const headers = { ...(report.originalHeaders ?? {}) };
    if (headers['return-path'] && decodeVerp(headers['return-path'], deps.verpKey).ok) delete headers['return-path'];
    const loop = detectBounceLoop({ envelopeFrom: m.mailFrom, report: { isBounce: report.isBounce, originalHeaders: report.originalHeaders ? headers : undefined }, bounceDomains: [deps.bounceDomain] });
    if (loop.loop) {
      await storeReport(deps, m, rcpt, 'loop', { why: loop.why, message_id: ref.id }, false, ref);
      return 'loop';
    }
    const r = report.recipients.find((x) => x.address.toLowerCase() === ref.recipient.toLowerCase()) ?? report.recipients[0];
    if (r && /^delayed$/i.test(r.action ?? '')) return 'delayed';
    const res = await recordAsyncBounce(deps.store, ref, r ? { reason: r.reason, hard: r.hard, enhanced: r.enhanced, code: r.code, reply: r.reply, remoteMta: r.remoteMta } : { reason: 'undefined', hard: false, reply: '' });
    return res.recorded ? 'bounce' : 'bounce-duplicate';
  }

  // A feedback-loop address: only ARF reports are expected here.
  const a = getArf();
  if (!a.isArf) {
    const b = getBounce();
    await storeReport(deps, m, rcpt, b.isBounce ? 'unattributable' : 'not-report', { why: b.isBounce ? 'a bounce to a non-VERP address' : (a.why ?? 'not a report') }, b.isBounce);
    return b.isBounce ? 'unattributable' : 'not-report';
  }
  const id = verpFromArf(a, deps);
  const ref = id === undefined ? undefined : await findMessageRef(deps.store, id);
  if (!ref) {
    await storeReport(
      deps,
      m,
      rcpt,
      'unattributable',
      { kind: 'complaint', why: id === undefined ? 'no VERP address of ours in the reported message' : 'message no longer stored', feedback_type: a.feedbackType ?? null, original_rcpt: a.originalRecipient?.trim().replace(/^<|>$/g, '') ?? null, original_message_id: a.originalMessageId ?? null, feedback_id: a.feedbackId ?? null, source_ip: a.sourceIp ?? null },
      true,
    );
    return 'unattributable';
  }
  await recordComplaint(deps.store, ref, { feedbackType: a.feedbackType, source: fblSource(a), sourceIp: a.sourceIp, arrivalDate: a.arrivalDate, reportedDomain: a.reportedDomain });
  return 'complaint';
}
