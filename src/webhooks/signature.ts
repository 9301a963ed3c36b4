// Webhook signatures: HMAC-SHA256 over `<timestamp>.<raw body>` with the endpoint's secret,
// sent as `Relais-Signature: t=<unix seconds>,v1=<hex>`. Verifying needs the raw bytes
// of the body as received (re-serialised JSON does not match: the classic pitfall).
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'relais-signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function computeSignature(secret: string, timestamp: number, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

export function signatureHeader(secret: string, timestamp: number, rawBody: string | Buffer): string {
  return `t=${timestamp},v1=${computeSignature(secret, timestamp, rawBody)}`;
}

export type VerifyOutcome = { ok: true; timestamp: number } | { ok: false; reason: 'missing' | 'malformed' | 'mismatch' | 'stale' };

/**
 * Checks a `Relais-Signature` header. Several `v1=` values may be present while a secret
 * is being rotated; any match is enough. `nowSeconds` and `tolerance` bound replays.
 */
export function verifyWebhookSignature(secret: string, header: string | null | undefined, rawBody: string | Buffer, nowSeconds = Math.floor(Date.now() / 1000), tolerance = DEFAULT_TOLERANCE_SECONDS): VerifyOutcome {
  if (!header) return { ok: false, reason: 'missing' };
  let t: number | undefined;
  const sigs: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=', 2);
    if (k === 't' && /^\d{1,12}$/.test(v ?? '')) t = Number(v);
    else if (k === 'v1' && /^[0-9a-f]{64}$/.test(v ?? '')) sigs.push(v);
  }
  if (t === undefined || sigs.length === 0) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(computeSignature(secret, t, rawBody), 'hex');
  if (!sigs.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected))) return { ok: false, reason: 'mismatch' };
  if (Math.abs(nowSeconds - t) > tolerance) return { ok: false, reason: 'stale' };
  return { ok: true, timestamp: t };
}
