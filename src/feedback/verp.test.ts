import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeVerp, encodeVerp } from './verp.ts';

const secret = 'verp-test-secret';

test('round trip, per message and recipient', () => {
  const a = encodeVerp({ messageId: 100, recipientId: 1, bounceDomain: 'bounces.example.com', secret });
  const b = encodeVerp({ messageId: 100, recipientId: 2, bounceDomain: 'bounces.example.com', secret });
  assert.notEqual(a, b);
  assert.match(a, /^b\+2s-1-[a-z2-7]{10}@bounces\.example\.com$/);
  assert.deepEqual(decodeVerp(a, secret), { ok: true, messageId: 100, recipientId: 1 });
  assert.deepEqual(decodeVerp(`<${b}>`, secret), { ok: true, messageId: 100, recipientId: 2 });
});

test('survives case-folding receivers and stays within the 64-character local part', () => {
  const max = Number.MAX_SAFE_INTEGER;
  const addr = encodeVerp({ messageId: max, recipientId: max, bounceDomain: 'Bounces.Example.com', secret });
  assert.ok(addr.split('@')[0].length <= 64, addr);
  assert.deepEqual(decodeVerp(addr.toUpperCase(), secret), { ok: true, messageId: max, recipientId: max });
});

test('forged and malformed tags are refused, never attributed', () => {
  const good = encodeVerp({ messageId: 7, recipientId: 3, bounceDomain: 'bounces.example.com', secret });
  const [local, domain] = good.split('@');
  const flipped = `${local.slice(0, -1)}${local.endsWith('a') ? 'b' : 'a'}@${domain}`;
  assert.deepEqual(decodeVerp(flipped, secret), { ok: false, reason: 'forged' });
  // Someone else's id with our tag.
  assert.deepEqual(decodeVerp(good.replace('b+7-3-', 'b+8-3-'), secret), { ok: false, reason: 'forged' });
  assert.deepEqual(decodeVerp(good, 'another-secret'), { ok: false, reason: 'forged' });
  for (const bad of ['', 'postmaster@bounces.example.com', 'b+zz@bounces.example.com', 'b+1-2-!!!!!!!!!!@x', `b+${'9'.repeat(40)}-1-aaaaaaaaaa@x`, 'x'.repeat(5000)]) {
    assert.deepEqual(decodeVerp(bad, secret), { ok: false, reason: 'malformed' }, bad.slice(0, 40));
  }
});

test('rejects ids it cannot represent', () => {
  assert.throws(() => encodeVerp({ messageId: -1, recipientId: 0, bounceDomain: 'b.example.com', secret }), RangeError);
  assert.throws(() => encodeVerp({ messageId: 1.5, recipientId: 0, bounceDomain: 'b.example.com', secret }), RangeError);
  assert.throws(() => encodeVerp({ messageId: 1, recipientId: 0, bounceDomain: 'not a domain', secret }), RangeError);
});
