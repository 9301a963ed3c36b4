import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseBounce } from './bounce.ts';
import { detectBounceLoop } from './loop.ts';

const bounceDomains = ['bounces.example.com'];

test('a bounce of a tenant message is not a loop', () => {
  const report = parseBounce(readFileSync(new URL('./fixtures/qmail-text.eml', import.meta.url)));
  assert.deepEqual(detectBounceLoop({ envelopeFrom: '', report, bounceDomains }), { loop: false });
});

test('a bounce of our own bounce (null sender original, or from the bounce domain) is a loop', () => {
  const inner = (headers: string) =>
    `From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail Returned to Sender\nContent-Type: multipart/report; report-type=delivery-status; boundary=q\n\n--q\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; b+1-1-aaaaaaaaaa@bounces.example.com\nAction: failed\nStatus: 5.1.1\n\n--q\nContent-Type: text/rfc822-headers\n\n${headers}\n--q--\n`;
  let report = parseBounce(inner('Return-Path: <>\nFrom: MAILER-DAEMON@relais.example.com\nSubject: Undelivered'));
  assert.deepEqual(detectBounceLoop({ envelopeFrom: '<>', report, bounceDomains }), { loop: true, why: 'original-had-null-sender' });
  report = parseBounce(inner('Return-Path: <postmaster@bounces.example.com>\nFrom: postmaster@bounces.example.com\nSubject: x'));
  assert.deepEqual(detectBounceLoop({ envelopeFrom: '', report, bounceDomains }), { loop: true, why: 'original-from-bounce-domain' });
  report = parseBounce(inner('Return-Path: <x@other.example>\nFrom: MAILER-DAEMON@other.example\nContent-Type: multipart/report; report-type=delivery-status; boundary=z\nSubject: x'));
  assert.deepEqual(detectBounceLoop({ envelopeFrom: '<>', report, bounceDomains }), { loop: true, why: 'bounce-of-bounce' });
});

test('the VERP Return-Path of our own tenant mail is not a loop; a forged one at the bounce domain is', async () => {
  const { encodeVerp } = await import('./verp.ts');
  const verp = encodeVerp({ messageId: 5, recipientId: 0, bounceDomain: 'bounces.example.com', secret: 'k' });
  const dsn = (rp: string) =>
    `From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail Returned to Sender\nContent-Type: multipart/report; report-type=delivery-status; boundary=q\n\n--q\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; a@example.org\nAction: failed\nStatus: 5.1.1\n\n--q\nContent-Type: text/rfc822-headers\n\nReturn-Path: <${rp}>\nFrom: news@shop.example.com\nSubject: x\n--q--\n`;
  assert.deepEqual(detectBounceLoop({ envelopeFrom: '', report: parseBounce(dsn(verp)), bounceDomains, verpSecret: 'k' }), { loop: false });
  assert.deepEqual(detectBounceLoop({ envelopeFrom: '', report: parseBounce(dsn(verp)), bounceDomains }), { loop: false });
  const forged = verp.replace(/-[a-z2-7]{10}@/, '-aaaaaaaaaa@');
  assert.deepEqual(detectBounceLoop({ envelopeFrom: '', report: parseBounce(dsn(forged)), bounceDomains, verpSecret: 'k' }), { loop: true, why: 'original-from-bounce-domain' });
});
