// The List-Unsubscribe targets of a message (RFC 2369 / RFC 8058) and their keys:
//   https  <publicUrl>/u/<token>      token: feedback/unsubscribe-token.ts (tenant, stream,
//                                     list, recipient inside the MAC)
//   mailto u+<message>-0-<tag>@<bounceDomain>?subject=unsubscribe
//                                     the VERP scheme under its own key, so a bounce
//                                     address can never be turned into an unsubscribe one
// Both keys derive from the master key, so every node agrees without configuration.
import { deriveKey } from '../core/secret-box.ts';
import { decodeVerp, encodeVerp } from '../feedback/verp.ts';
import { signUnsubscribeToken } from '../feedback/unsubscribe-token.ts';

export function unsubscribeTokenKey(masterKey: Buffer): Buffer {
  return deriveKey(masterKey, 'unsubscribe');
}

export function unsubscribeMailtoKey(masterKey: Buffer): Buffer {
  return deriveKey(masterKey, 'unsubscribe-mailto');
}

export interface UnsubscribeTarget {
  tenantId: number;
  messageId: number;
  stream: string;
  list?: string;
  recipient: string;
}

/** `https://…/u/<token>` for the one-click POST and the confirmation page. */
export function unsubscribeUrl(publicUrl: string, masterKey: Buffer, t: UnsubscribeTarget, now = Date.now()): string {
  const token = signUnsubscribeToken({ tenantId: t.tenantId, stream: t.stream, list: t.list, recipient: t.recipient, issuedAt: Math.floor(now / 1000) }, unsubscribeTokenKey(masterKey));
  return `${publicUrl.replace(/\/+$/, '')}/u/${token}`;
}

export function unsubscribeMailtoAddress(bounceDomain: string, masterKey: Buffer, messageId: number): string {
  return encodeVerp({ messageId, recipientId: 0, bounceDomain, secret: unsubscribeMailtoKey(masterKey) }).replace(/^b\+/, 'u+');
}

export function unsubscribeMailto(bounceDomain: string, masterKey: Buffer, messageId: number): string {
  return `mailto:${unsubscribeMailtoAddress(bounceDomain, masterKey, messageId)}?subject=unsubscribe`;
}

/** Both targets, ready for build-mime's `listUnsubscribe` option. */
export function listUnsubscribeTargets(o: { publicUrl: string; bounceDomain: string; masterKey: Buffer }, t: UnsubscribeTarget, now = Date.now()): { url: string; mailto: string } {
  return { url: unsubscribeUrl(o.publicUrl, o.masterKey, t, now), mailto: unsubscribeMailto(o.bounceDomain, o.masterKey, t.messageId) };
}

export type MailtoDecoded = { ok: true; messageId: number } | { ok: false; reason: 'malformed' | 'forged' };

/** Decodes the RCPT TO of a mailto unsubscribe (`u+…@bounceDomain`). */
export function decodeUnsubscribeMailto(address: string, masterKey: Buffer): MailtoDecoded {
  const a = address.trim().replace(/^<|>$/g, '');
  if (!/^u\+/i.test(a)) return { ok: false, reason: 'malformed' };
  const d = decodeVerp(`b+${a.slice(2)}`, unsubscribeMailtoKey(masterKey));
  return d.ok ? { ok: true, messageId: d.messageId } : d;
}
