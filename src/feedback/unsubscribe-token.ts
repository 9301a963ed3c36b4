// Signed one-click unsubscribe tokens (RFC 8058): the List-Unsubscribe URL carries
// everything needed to unsubscribe without cookies, login or a database lookup of the
// token itself, and cannot be edited to unsubscribe someone else or replayed against
// another tenant (the tenant id is inside the MAC).
//
// Format (URL-safe, no padding): base64url(payload) "." base64url(mac)
//   payload = UTF-8 JSON array [version=1, tenantId, stream, list|null, recipient, issuedAt]
//             (an array, not an object, to keep URLs short)
//   mac     = first 16 bytes of HMAC-SHA256(secret, "unsub:v1:" + base64url(payload))
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface UnsubscribePayload {
  tenantId: number;
  /** `transactional` / `marketing` (DESIGN §2), or another stream name */
  stream: string;
  list?: string;
  recipient: string;
  /** seconds since the epoch */
  issuedAt: number;
}

export type UnsubscribeVerified = { ok: true; payload: UnsubscribePayload } | { ok: false; reason: 'malformed' | 'tampered' | 'wrong-tenant' };

const MAX_TOKEN = 2048;
const MAC_BYTES = 16;

function mac(body: string, secret: string | Buffer): Buffer {
  return createHmac('sha256', secret).update(`unsub:v1:${body}`).digest().subarray(0, MAC_BYTES);
}

export function signUnsubscribeToken(p: UnsubscribePayload, secret: string | Buffer): string {
  if (!Number.isSafeInteger(p.tenantId) || p.tenantId < 0) throw new RangeError('tenantId must be a non-negative integer');
  if (!p.recipient || !p.stream) throw new RangeError('recipient and stream are required');
  const body = Buffer.from(JSON.stringify([1, p.tenantId, p.stream, p.list ?? null, p.recipient, Math.floor(p.issuedAt)]), 'utf8').toString('base64url');
  return `${body}.${mac(body, secret).toString('base64url')}`;
}

/**
 * Verifies a token. Pass `expectTenantId` when the URL or host already names a tenant: a
 * valid token of another tenant is then refused as `wrong-tenant` rather than honoured.
 */
export function verifyUnsubscribeToken(token: string, secret: string | Buffer, expectTenantId?: number): UnsubscribeVerified {
  if (typeof token !== 'string' || token.length > MAX_TOKEN) return { ok: false, reason: 'malformed' };
  const m = /^([A-Za-z0-9_-]{8,})\.([A-Za-z0-9_-]{20,24})$/.exec(token.trim());
  if (!m) return { ok: false, reason: 'malformed' };
  const expected = mac(m[1], secret);
  const got = Buffer.from(m[2], 'base64url');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) return { ok: false, reason: 'tampered' };
  let arr: unknown;
  try {
    arr = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!Array.isArray(arr) || arr.length !== 6 || arr[0] !== 1) return { ok: false, reason: 'malformed' };
  const [, tenantId, stream, list, recipient, issuedAt] = arr as unknown[];
  if (!Number.isSafeInteger(tenantId) || typeof stream !== 'string' || (list !== null && typeof list !== 'string') || typeof recipient !== 'string' || !Number.isSafeInteger(issuedAt)) {
    return { ok: false, reason: 'malformed' };
  }
  if (expectTenantId !== undefined && tenantId !== expectTenantId) return { ok: false, reason: 'wrong-tenant' };
  const payload: UnsubscribePayload = { tenantId: tenantId as number, stream, recipient, issuedAt: issuedAt as number };
  if (list !== null) payload.list = list as string;
  return { ok: true, payload };
}
