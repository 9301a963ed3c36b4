// VERP return paths: one per recipient of each message, so a bounce names exactly which
// delivery failed even when the DSN is unparseable or omits the recipient.
//
// Format: `b+<msg>-<rcpt>-<tag>@<bounceDomain>`
//   <msg>  = the message id, base 36, lower case;
//   <rcpt> = the recipient id (the message's recipient row id, or its index in the message),
//            base 36, so each recipient of a multi-recipient message has its own address;
//   <tag>  = the first 10 base-32 characters (lower case, RFC 4648 alphabet) of
//            HMAC-SHA256(secret, "verp:v1:<msg>:<rcpt>"), i.e. 50 bits.
// Only lower-case letters and digits, so receivers that case-fold local parts cannot break
// it; with the largest ids (2^53, 11 characters each) the local part is 36 of the 64
// allowed. The recipient address is not in the return path: the id identifies it and
// nothing personal leaks into bounce logs along the way.
import { createHmac, type KeyObject, timingSafeEqual } from 'node:crypto';

const PREFIX = 'b+';
const TAG_LEN = 10;
const B32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(buf: Buffer, chars: number): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length >= chars) break;
    value &= (1 << bits) - 1;
  }
  return out;
}

function tagFor(messageId: number, recipientId: number, secret: string | Buffer | KeyObject): string {
  return base32(createHmac('sha256', secret).update(`verp:v1:${messageId}:${recipientId}`).digest(), TAG_LEN);
}

export interface VerpInput {
  messageId: number;
  /** the recipient row id, or the recipient's index within the message */
  recipientId: number;
  bounceDomain: string;
  secret: string | Buffer | KeyObject;
}

export function encodeVerp(input: VerpInput): string {
  const { messageId, recipientId, bounceDomain, secret } = input;
  for (const [k, v] of [['messageId', messageId], ['recipientId', recipientId]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${k} must be a non-negative safe integer`);
  }
  if (!/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(bounceDomain)) throw new RangeError('bounceDomain must be a domain name');
  return `${PREFIX}${messageId.toString(36)}-${recipientId.toString(36)}-${tagFor(messageId, recipientId, secret)}@${bounceDomain.toLowerCase()}`;
}

export type VerpDecoded = { ok: true; messageId: number; recipientId: number } | { ok: false; reason: 'malformed' | 'forged' };

/**
 * Decodes a VERP address (the RCPT TO of an incoming bounce). `forged` means the shape is
 * right but the HMAC is not ours: drop and count, never attribute. Accepts any case.
 */
export function decodeVerp(address: string, secret: string | Buffer | KeyObject): VerpDecoded {
  if (typeof address !== 'string' || address.length > 320) return { ok: false, reason: 'malformed' };
  const local = address.trim().replace(/^<|>$/g, '').split('@')[0].toLowerCase();
  const m = /^b\+([0-9a-z]{1,11})-([0-9a-z]{1,11})-([a-z2-7]{10})$/.exec(local);
  if (!m) return { ok: false, reason: 'malformed' };
  const messageId = Number.parseInt(m[1], 36);
  const recipientId = Number.parseInt(m[2], 36);
  if (!Number.isSafeInteger(messageId) || !Number.isSafeInteger(recipientId)) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(tagFor(messageId, recipientId, secret));
  const got = Buffer.from(m[3]);
  if (expected.length !== got.length || !timingSafeEqual(expected, got)) return { ok: false, reason: 'forged' };
  return { ok: true, messageId, recipientId };
}
