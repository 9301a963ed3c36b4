// Loop protection for the bounce domain: a bounce of one of our own bounces (or of a
// message sent with a null sender) must never produce another message or be attributed as
// a delivery failure of a tenant's mail, or two MTAs can ping-pong forever.
import type { BounceReport } from './bounce.ts';
import { decodeVerp } from './verp.ts';

export interface LoopCheckInput {
  /** MAIL FROM of the incoming message as received by the MX ('' or '<>' for the null sender) */
  envelopeFrom: string;
  /** the parsed report (parseBounce) */
  report: Pick<BounceReport, 'isBounce' | 'originalHeaders'>;
  /** our bounce domain(s), e.g. bounces.example.com */
  bounceDomains: string[];
  /**
   * The VERP secret. Every genuine bounce of tenant mail has our VERP address as the
   * original's Return-Path; with the secret, only a Return-Path that is NOT a valid VERP
   * counts as "from the bounce domain". Without it, VERP-shaped local parts are trusted.
   */
  verpSecret?: string | Buffer;
}

export type LoopVerdict = { loop: false } | { loop: true; why: 'bounce-of-bounce' | 'original-had-null-sender' | 'original-from-bounce-domain' };

function fromDomain(v: string | undefined): string | undefined {
  const m = v ? /@([A-Za-z0-9.-]+)>?\s*$/.exec(v.trim()) : null;
  return m ? m[1].toLowerCase() : undefined;
}

/**
 * True when the bounce is about a message that was itself a bounce or notification: the
 * returned original had a null Return-Path, came from our bounce domain, or was a DSN.
 * The caller drops such messages (counting them) instead of attributing or answering them.
 */
export function detectBounceLoop(input: LoopCheckInput): LoopVerdict {
  const h = input.report.originalHeaders;
  const domains = input.bounceDomains.map((d) => d.toLowerCase());
  const ours = (d: string | undefined) => !!d && domains.some((b) => d === b || d.endsWith(`.${b}`));
  if (!h) return { loop: false };
  const rp = h['return-path']?.trim();
  if (rp === '<>' || rp === '') return { loop: true, why: 'original-had-null-sender' };
  const rpIsVerp = !!rp && (input.verpSecret ? decodeVerp(rp, input.verpSecret).ok : /^<?[bu]\+[0-9a-z]+-[0-9a-z]+-[a-z2-7]{10}@/i.test(rp));
  if (ours(fromDomain(h.from)) || ours(fromDomain(h.sender)) || (!rpIsVerp && ours(fromDomain(rp)))) return { loop: true, why: 'original-from-bounce-domain' };
  const ct = (h['content-type'] ?? '').toLowerCase();
  const nullEnvelope = input.envelopeFrom.trim() === '' || input.envelopeFrom.trim() === '<>';
  if (nullEnvelope && input.report.isBounce && /report-type="?delivery-status/.test(ct)) return { loop: true, why: 'bounce-of-bounce' };
  return { loop: false };
}
