// Tables for the small engines: durations and rates, the token bucket, connection slots,
// site and queue keys, weighted egress choice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectionSlots } from './connection-slots.ts';
import { formatRate, parseDuration, parseRate, slowerRate } from './duration.ts';
import { pickEgressIp } from './pick-egress-ip.ts';
import { providerById } from './provider-catalogue.ts';
import { readyQueueKey, scheduledQueueKey, siteKeyFor } from './site-key.ts';
import { TokenBucket } from './token-bucket.ts';

test('parseDuration: table', () => {
  const cases: [string | number, number][] = [
    ['90m', 5_400_000],
    ['1h30m', 5_400_000],
    ['1 day', 86_400_000],
    ['30 minutes', 1_800_000],
    ['60s', 60_000],
    ['250ms', 250],
    ['2 hours', 7_200_000],
    ['45', 45_000],
    [10, 10_000],
  ];
  for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, String(text));
  for (const bad of ['', 'soon', '5 fortnights', '-1h', 'h', '1h x']) assert.throws(() => parseDuration(bad), /invalid duration/, bad);
});

test('parseRate: table', () => {
  const cases: [string, number, number][] = [
    ['100/h', 100, 3_600_000],
    ['20/s', 20, 1000],
    ['10/minute', 10, 60_000],
    ['1000/day', 1000, 86_400_000],
    ['5/30s', 5, 30_000],
    [' 100 / min ', 100, 60_000],
  ];
  for (const [text, count, perMs] of cases) assert.deepEqual(parseRate(text), { count, perMs }, text);
  for (const bad of ['100', '100/fortnight', '0/s', 'fast', '/s']) assert.throws(() => parseRate(bad), /rate/, bad);
  assert.deepEqual(slowerRate(parseRate('100/h'), parseRate('1/s')), parseRate('100/h'));
  assert.deepEqual(slowerRate(undefined, parseRate('1/s')), parseRate('1/s'));
  assert.equal(formatRate(parseRate('100/min')), '100/min');
  assert.equal(formatRate(parseRate('5/30s')), '5/30000ms');
});

test('TokenBucket: 100/h is evenly spaced, one at a time', () => {
  const b = new TokenBucket('100/h', { now: 0 });
  assert.equal(b.burst, 1);
  assert.equal(b.tryTake(0), true);
  assert.equal(b.tryTake(0), false);
  assert.equal(b.waitMs(0), 36_000);
  assert.equal(b.tryTake(35_999), false);
  assert.equal(b.tryTake(36_000), true);
  // over an hour exactly 100 go through when polled every second
  const c = new TokenBucket('100/h', { now: 0 });
  let sent = 0;
  for (let t = 0; t < 3_600_000; t += 1000) if (c.tryTake(t)) sent++;
  assert.equal(sent, 100);
});

test('TokenBucket: 20/s allows a one-second burst, then the rate', () => {
  const b = new TokenBucket('20/s', { now: 1000 });
  assert.equal(b.burst, 20);
  let n = 0;
  while (b.tryTake(1000)) n++;
  assert.equal(n, 20);
  assert.equal(b.waitMs(1000), 50);
  assert.equal(b.tryTake(1050), true);
  assert.ok(Math.abs(b.available(2000) - 19) < 1e-9, 'refills to the burst, never beyond');
  assert.equal(b.available(10_000), 20);
  assert.equal(b.waitMs(10_000, 21), Number.POSITIVE_INFINITY);
});

test('TokenBucket: setRate slows down at once and keeps earned tokens up to the new burst', () => {
  const b = new TokenBucket('100/s', { now: 0 });
  b.setRate('1/min', 0);
  assert.equal(b.burst, 1);
  assert.equal(b.tryTake(0), true);
  assert.equal(b.tryTake(1000), false);
  assert.equal(b.waitMs(1000), 59_000);
  const custom = new TokenBucket('10/s', { burst: 3, now: 0 });
  assert.equal(custom.burst, 3);
  assert.equal([1, 2, 3, 4].filter(() => custom.tryTake(0)).length, 3);
});

test('ConnectionSlots: per IP -> site and per provider caps', () => {
  const slots = new ConnectionSlots();
  const gmail = { maxConnections: 2, providerMaxConnections: 3 };
  assert.equal(slots.tryAcquire('192.0.2.1', 'google', gmail), true);
  assert.equal(slots.tryAcquire('192.0.2.1', 'google', gmail), true);
  assert.equal(slots.tryAcquire('192.0.2.1', 'google', gmail), false, 'per-IP cap');
  assert.equal(slots.tryAcquire('192.0.2.2', 'google', gmail), true);
  assert.equal(slots.tryAcquire('192.0.2.3', 'google', gmail), false, 'provider-wide cap across IPs');
  assert.equal(slots.tryAcquire('192.0.2.3', 'yahoo', { maxConnections: 1 }), true, 'other sites are independent');
  assert.equal(slots.siteTotal('google'), 3);
  assert.deepEqual(slots.snapshot(), { '192.0.2.1 -> google': 2, '192.0.2.2 -> google': 1, '192.0.2.3 -> yahoo': 1 });
  slots.release('192.0.2.1', 'google');
  assert.equal(slots.count('192.0.2.1', 'google'), 1);
  assert.equal(slots.tryAcquire('192.0.2.3', 'google', gmail), true);
  slots.release('192.0.2.3', 'yahoo');
  assert.throws(() => slots.release('192.0.2.3', 'yahoo'), /released twice/);
});

test('siteKeyFor: provider id, else the canonical MX set', () => {
  const cases: [{ provider?: ReturnType<typeof providerById>; mxHosts: string[] }, string][] = [
    [{ mxHosts: ['aspmx.l.google.com', 'alt1.aspmx.l.google.com'] }, 'google'],
    [{ mxHosts: ['gmail-smtp-in.l.google.com.'] }, 'google'],
    [{ provider: providerById('gmx'), mxHosts: [] }, 'gmx'],
    [{ mxHosts: ['MX2.Example.org.', 'mx1.example.org', 'mx2.example.org'] }, 'mx1.example.org,mx2.example.org'],
    [{ mxHosts: ['mx1.example.org', 'mx2.example.org'] }, 'mx1.example.org,mx2.example.org'],
    [{ mxHosts: ['example.net'] }, 'example.net'], // implicit MX: the domain itself
  ];
  for (const [dest, want] of cases) assert.equal(siteKeyFor(dest), want, JSON.stringify(dest.mxHosts));
  assert.equal(readyQueueKey('192.0.2.1', 'google'), '192.0.2.1 -> google');
  assert.equal(scheduledQueueKey('acme', 'spring-sale', 'Gmail.com'), 'acme:spring-sale@gmail.com');
  assert.equal(scheduledQueueKey(42, undefined, 'example.org'), '42:@example.org');
});

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('pickEgressIp: weighted, skips zero weight and exhausted warm-up budgets', () => {
  const ips = [
    { ip: '192.0.2.1', weight: 3 },
    { ip: '192.0.2.2', weight: 1 },
    { ip: '192.0.2.3', weight: 0 },
    { ip: '192.0.2.4', weight: 5, warmupBudgetLeft: 0 },
    { ip: '192.0.2.5', weight: 2, warmupBudgetLeft: 10 },
  ];
  const counts: Record<string, number> = {};
  const rng = seeded(7);
  for (let i = 0; i < 60_000; i++) {
    const c = pickEgressIp(ips, rng)!;
    counts[c.ip] = (counts[c.ip] ?? 0) + 1;
  }
  assert.equal(counts['192.0.2.3'], undefined);
  assert.equal(counts['192.0.2.4'], undefined);
  assert.ok(Math.abs(counts['192.0.2.1']! / 60_000 - 0.5) < 0.02, JSON.stringify(counts));
  assert.ok(Math.abs(counts['192.0.2.2']! / 60_000 - 1 / 6) < 0.02, JSON.stringify(counts));
  assert.ok(Math.abs(counts['192.0.2.5']! / 60_000 - 1 / 3) < 0.02, JSON.stringify(counts));
  assert.equal(pickEgressIp([{ ip: 'a', weight: 0 }], rng), undefined);
  assert.equal(pickEgressIp([], rng), undefined);
  assert.equal(pickEgressIp([{ ip: 'a', weight: 1 }, { ip: 'b', weight: 1 }], () => 0.999999999)?.ip, 'b');
  assert.equal(pickEgressIp([{ ip: 'a', weight: 1 }, { ip: 'b', weight: 1 }], () => 0)?.ip, 'a');
});
