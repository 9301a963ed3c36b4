import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QueuedMessage } from '../store/queue-repo.ts';
import { type AttemptContext, type AttemptResult, attemptOutcome } from './attempt-outcome.ts';

const NOW = Date.UTC(2026, 10, 29, 12);
const msg = (over: Partial<QueuedMessage> = {}): QueuedMessage => ({
  id: 1, tenantId: 2, bodyId: 3, stream: 'transactional', campaign: null, mailFrom: 'b@bounces.test', recipient: 'r@example.net',
  recipientDomain: 'example.net', fromAddr: 'news@acme.example', attempts: 0, expiresAt: NOW + 86_400_000, createdAt: NOW - 60_000, ...over,
});
const ctx: AttemptContext = { mx: 'mx.example.net', mxAddress: '192.0.2.1', ip: '198.51.100.2', helo: 'out2.relais.test', site: 'example.net', tls: { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' } };
const retry = { initialDelayMs: 600_000, factor: 2, maxDelayMs: 4 * 3_600_000, jitter: 0 };
const reply = (code: number, text: string, enhanced?: string): AttemptResult => (code < 300 ? { ok: true, reply: { code, text, enhanced } } : { ok: false, reply: { code, text, enhanced } });

test('outcome table: 2xx sent, 4xx/network deferred with backoff, 5xx bounced, out of time expired', () => {
  const rows: [string, AttemptResult, Partial<QueuedMessage>, string, string, number | undefined][] = [
    ['250', reply(250, '250 2.0.0 OK queued', '2.0.0'), {}, 'sent', 'delivery', undefined],
    ['450 first', reply(450, '450 4.2.0 greylisted', '4.2.0'), {}, 'deferred', 'deferral', NOW + 600_000],
    ['450 third', reply(450, '450 4.2.0 greylisted', '4.2.0'), { attempts: 2 }, 'deferred', 'deferral', NOW + 2_400_000],
    ['refused', { ok: false, error: 'connection-refused', text: 'ECONNREFUSED' }, {}, 'deferred', 'deferral', NOW + 600_000],
    ['550 5.1.1', reply(550, '550 5.1.1 user unknown', '5.1.1'), {}, 'bounced', 'bounce', undefined],
    ['552', reply(552, '552 5.2.2 mailbox full', '5.2.2'), {}, 'bounced', 'bounce', undefined],
    ['null mx', { ok: false, error: 'null-mx', text: '556 5.1.10 null MX' }, {}, 'bounced', 'bounce', undefined],
    ['451 past deadline', reply(451, '451 4.3.0 try later'), { expiresAt: NOW + 1000 }, 'expired', 'expiration', undefined],
  ];
  for (const [name, result, over, status, event, next] of rows) {
    const o = attemptOutcome({ msg: msg(over), result, ctx, retry, now: NOW });
    assert.equal(o.status, status, name);
    assert.equal(o.event?.type, event, name);
    assert.equal(o.nextAttemptAt, next, name);
    assert.equal(o.attempts, (over.attempts ?? 0) + 1, name);
    const data = JSON.parse(o.event!.data);
    if (event !== 'expiration') {
      assert.equal(data.egress_ip, '198.51.100.2', name);
      assert.equal(data.mx, 'mx.example.net', name);
      assert.deepEqual(data.tls, ctx.tls, name);
    }
  }
});

test('bounce events carry the classified reason; an active bounce automation turns 4xx into bounces', () => {
  const unknown = JSON.parse(attemptOutcome({ msg: msg(), result: reply(550, '550 5.1.1 The email account that you tried to reach does not exist', '5.1.1'), ctx, retry, now: NOW }).event!.data);
  assert.equal(unknown.hard, true);
  assert.equal(typeof unknown.reason, 'string');
  const forced = attemptOutcome({ msg: msg(), result: reply(421, '421 4.7.0 try again later', '4.7.0'), ctx, retry, now: NOW, bounceUntil: NOW + 1000 });
  assert.equal(forced.status, 'bounced');
});
