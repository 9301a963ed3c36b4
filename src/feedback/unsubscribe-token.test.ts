import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { signUnsubscribeToken, verifyUnsubscribeToken } from './unsubscribe-token.ts';

const secret = 'unsub-test-secret';
const payload = { tenantId: 7, stream: 'marketing', list: 'newsletter', recipient: 'ivan@example.org', issuedAt: 1_700_000_000 };

test('round trip; URL-safe and compact', () => {
  const t = signUnsubscribeToken(payload, secret);
  assert.match(t, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  assert.ok(t.length < 160, `token length ${t.length}`);
  assert.deepEqual(verifyUnsubscribeToken(t, secret), { ok: true, payload });
  const noList = signUnsubscribeToken({ ...payload, list: undefined }, secret);
  const v = verifyUnsubscribeToken(noList, secret);
  assert.ok(v.ok && v.payload.list === undefined);
});

test('tampered tokens are refused', () => {
  const t = signUnsubscribeToken(payload, secret);
  const [body, mac] = t.split('.');
  const other = signUnsubscribeToken({ ...payload, recipient: 'someone-else@example.org' }, secret).split('.')[0];
  assert.deepEqual(verifyUnsubscribeToken(`${other}.${mac}`, secret), { ok: false, reason: 'tampered' });
  const flipped = `${body}.${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`;
  assert.deepEqual(verifyUnsubscribeToken(flipped, secret), { ok: false, reason: 'tampered' });
  assert.deepEqual(verifyUnsubscribeToken(t, 'wrong-secret'), { ok: false, reason: 'tampered' });
});

test('a valid token replayed for another tenant is refused', () => {
  const t = signUnsubscribeToken(payload, secret);
  assert.deepEqual(verifyUnsubscribeToken(t, secret, 8), { ok: false, reason: 'wrong-tenant' });
  assert.equal(verifyUnsubscribeToken(t, secret, 7).ok, true);
});

test('malformed tokens', () => {
  for (const bad of ['', 'abc', 'a.b', 'x'.repeat(5000), '!!!!!!!!.AAAAAAAAAAAAAAAAAAAAAA', `${Buffer.from('[1,2]').toString('base64url')}.AAAAAAAAAAAAAAAAAAAAAA`]) {
    const v = verifyUnsubscribeToken(bad, secret);
    assert.equal(v.ok, false);
  }
  // Correctly signed but not our payload shape.
  const body = Buffer.from(JSON.stringify({ tenantId: 1 })).toString('base64url');
  const mac = createHmac('sha256', secret).update(`unsub:v1:${body}`).digest().subarray(0, 16).toString('base64url');
  assert.deepEqual(verifyUnsubscribeToken(`${body}.${mac}`, secret), { ok: false, reason: 'malformed' });
});
