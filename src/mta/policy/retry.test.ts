import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyTransient, decideFailure, isExpired, nextRetryAt, parseReply } from './retry.ts';
import { shapingFor } from './shaping.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

test('classifyTransient: error kinds and replies', () => {
  const cases: [Parameters<typeof classifyTransient>[0], 'defer' | 'bounce'][] = [
    ['connection-refused', 'defer'],
    ['connection-timeout', 'defer'],
    ['connection-reset', 'defer'],
    ['network-unreachable', 'defer'],
    ['dns-temporary', 'defer'],
    ['tls-handshake', 'defer'],
    ['tls-unavailable', 'defer'],
    ['tls-certificate', 'defer'],
    ['mta-sts-mx-mismatch', 'defer'],
    ['command-timeout', 'defer'],
    ['protocol', 'defer'],
    ['dns-no-domain', 'bounce'],
    ['null-mx', 'bounce'],
    ['421 4.7.0 Try again later, closing connection. (EHLO)', 'defer'],
    ['450 4.7.1 <x@example.org>: Recipient address rejected: Greylisted, see https://postgrey.schweikert.ch/', 'defer'],
    ['452 4.2.2 The email account that you tried to reach is over quota.', 'defer'],
    ['550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in virtual mailbox table', 'bounce'],
    ['552 5.2.2 The email account that you tried to reach is over quota.', 'bounce'],
    ['554 IP=192.0.2.209 - None/bad reputation. (NOWL)', 'bounce'],
    ['550-5.7.26 This mail has been blocked because the sender is unauthenticated.', 'bounce'],
    [{ code: 451, enhanced: '4.3.0', text: 'Temporary local problem' }, 'defer'],
    [{ code: 553, text: 'sorry' }, 'bounce'],
    ['connection lost mid-DATA (no reply)', 'defer'], // no code: when in doubt, retry
  ];
  for (const [input, want] of cases) assert.equal(classifyTransient(input), want, JSON.stringify(input));
});

test('parseReply: code and enhanced code from single- and multi-line replies', () => {
  assert.deepEqual(parseReply('421-4.7.28 [192.0.2.7 15] Our system has detected...'), {
    code: 421,
    enhanced: '4.7.28',
    text: '421-4.7.28 [192.0.2.7 15] Our system has detected...',
  });
  assert.equal(parseReply('550 5.1.1 User unknown')?.enhanced, '5.1.1');
  assert.equal(parseReply('421 mwinf5c79 ME Trop de connexions')?.enhanced, undefined);
  assert.equal(parseReply('554 IP=192.0.2.1 - blocked')?.code, 554);
  assert.equal(parseReply('hello'), undefined);
});

test('nextRetryAt: exponential from the schedule, capped, with jitter', () => {
  const s = shapingFor('mx.example.org').retry; // 10m, x2, max 4h, ±20 %
  const mid = () => 0.5; // no jitter
  const table: [number, number][] = [
    [1, 10 * MIN],
    [2, 20 * MIN],
    [3, 40 * MIN],
    [4, 80 * MIN],
    [5, 160 * MIN],
    [6, 4 * HOUR],
    [30, 4 * HOUR],
  ];
  for (const [attempts, delay] of table) assert.equal(nextRetryAt(attempts, s, 1_000_000, mid), 1_000_000 + delay, `attempt ${attempts}`);
  assert.equal(nextRetryAt(1, s, 0, () => 0), 8 * MIN, 'jitter -20 %');
  assert.equal(nextRetryAt(1, s, 0, () => 0.999999), Math.round(10 * MIN * 1.199_999_6), 'jitter +20 %');
  const spread = new Set(Array.from({ length: 50 }, () => nextRetryAt(1, s, 0)));
  assert.ok(spread.size > 40, 'messages deferred together come back at different times');
});

test('isExpired: per stream, configurable', () => {
  assert.equal(isExpired(0, 'transactional', DAY - 1), false);
  assert.equal(isExpired(0, 'transactional', DAY), true);
  assert.equal(isExpired(0, 'marketing', 2 * DAY), false);
  assert.equal(isExpired(0, 'marketing', 3 * DAY), true);
  assert.equal(isExpired(0, 'marketing', 2 * DAY, { transactional: HOUR, marketing: 2 * DAY }), true);
});

test('decideFailure: bounce, defer with a retry time, last chance before the deadline, expire', () => {
  const schedule = shapingFor('mx.example.org').retry;
  const base = { queuedAt: 0, stream: 'transactional' as const, schedule, rng: () => 0.5 };
  assert.deepEqual(decideFailure({ ...base, failure: '550 5.1.1 unknown', attempts: 1, now: MIN }), { decision: 'bounce' });
  assert.deepEqual(decideFailure({ ...base, failure: 'connection-refused', attempts: 1, now: MIN }), { decision: 'defer', retryAt: 11 * MIN });
  // a bounce automation on the path turns transient failures into bounces
  assert.deepEqual(decideFailure({ ...base, failure: '421 4.7.1 [TS03] ...', attempts: 1, now: MIN, bounceUntil: HOUR }), { decision: 'bounce' });
  assert.deepEqual(decideFailure({ ...base, failure: '421 4.7.1 [TS03] ...', attempts: 1, now: 2 * HOUR, bounceUntil: HOUR }).decision, 'defer');
  // next retry (now + 4 h) would be past the 1-day deadline: one last try a minute before it
  assert.deepEqual(decideFailure({ ...base, failure: '451 4.3.0 try later', attempts: 9, now: 22 * HOUR }), { decision: 'defer', retryAt: DAY - MIN });
  // that last try failed too: expire, do not wait
  assert.deepEqual(decideFailure({ ...base, failure: '451 4.3.0 try later', attempts: 10, now: DAY - MIN }), { decision: 'expire' });
  assert.deepEqual(decideFailure({ ...base, failure: 'connection-timeout', attempts: 3, now: DAY + 1 }), { decision: 'expire' });
  // marketing lives three days
  assert.equal(decideFailure({ ...base, stream: 'marketing', failure: 'connection-timeout', attempts: 9, now: 2 * DAY }).decision, 'defer');
});
