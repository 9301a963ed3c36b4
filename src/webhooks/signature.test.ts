import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { computeSignature, signatureHeader, verifyWebhookSignature } from './signature.ts';
import { retryDelay } from './backoff.ts';

// A fixed vector, computed independently with node:crypto as the docs recipe says.
const secret = 'whsec_test';
const body = '[{"id":"1","type":"delivery"}]';
const t = 1764400000;
const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');

test('signature = hex HMAC-SHA256(secret, timestamp + "." + raw body)', () => {
  assert.equal(computeSignature(secret, t, body), expected);
  assert.equal(signatureHeader(secret, t, body), `t=${t},v1=${expected}`);
});

test('verification: ok, tampered body, wrong secret, stale, malformed, rotated secrets', () => {
  const h = signatureHeader(secret, t, body);
  assert.deepEqual(verifyWebhookSignature(secret, h, body, t + 10), { ok: true, timestamp: t });
  assert.deepEqual(verifyWebhookSignature(secret, h, Buffer.from(body), t + 10), { ok: true, timestamp: t });
  assert.equal(verifyWebhookSignature(secret, h, body.replace('1', '2'), t).ok, false);
  assert.deepEqual(verifyWebhookSignature('other', h, body, t), { ok: false, reason: 'mismatch' });
  // re-serialised JSON (spaces) no longer matches: receivers must keep the raw bytes
  assert.equal(verifyWebhookSignature(secret, h, JSON.stringify(JSON.parse(body), null, 1), t).ok, false);
  assert.deepEqual(verifyWebhookSignature(secret, h, body, t + 301), { ok: false, reason: 'stale' });
  assert.deepEqual(verifyWebhookSignature(secret, 'v1=abc', body, t), { ok: false, reason: 'malformed' });
  assert.deepEqual(verifyWebhookSignature(secret, undefined, body, t), { ok: false, reason: 'missing' });
  const both = `t=${t},v1=${computeSignature('old', t, body)},v1=${expected}`;
  assert.equal(verifyWebhookSignature(secret, both, body, t).ok, true);
});

test('retry delays double from 30 s to a one-hour cap; 24 h means about 30 tries', () => {
  const mid = () => 0.5;
  assert.deepEqual([1, 2, 3, 4, 8, 20].map((a) => retryDelay(a, undefined, mid)), [30_000, 60_000, 120_000, 240_000, 3_600_000, 3_600_000]);
  assert.ok(retryDelay(1, undefined, () => 0) >= 27_000 && retryDelay(1, undefined, () => 1) <= 33_000);
  let total = 0;
  let n = 0;
  while (total < 24 * 3_600_000) total += retryDelay(++n, undefined, mid);
  assert.ok(n > 20 && n < 40, `tries in 24 h: ${n}`);
});
