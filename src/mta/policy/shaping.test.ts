import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRate, ratePerSecond } from './duration.ts';
import { providerById } from './provider-catalogue.ts';
import { createShaping, type ShapingRules, shapingFor, validateShapingRules, validateShapingSpec } from './shaping.ts';
import { BUILTIN_SHAPING } from './shaping-rules.ts';

test('the built-in shaping rules validate and name only catalogue providers', () => {
  assert.deepEqual(validateShapingRules(BUILTIN_SHAPING, (id) => providerById(id) !== undefined), []);
});

// KumoMTA's shipped values (assets/policy-extras/shaping.toml and assets/community/shaping.toml,
// deliverability.md §4.2). Ours must be at least as careful: never more connections, never
// more messages per connection, never a faster rate; TLS never weaker where Kumo requires it.
const KUMO: Record<string, { conn?: number; provider?: number; perConn?: number; rate?: string; connRate?: string; tls?: 'required' }> = {
  default: { conn: 10, perConn: 100, rate: '100/s', connRate: '100/min' },
  google: { provider: 5, perConn: 50 },
  'microsoft-consumer': { provider: 5, perConn: 50 },
  'microsoft-365': { provider: 5, perConn: 50 },
  'microsoft-365-dane': { provider: 5, perConn: 50 },
  yahoo: { perConn: 20 },
  apple: { provider: 10, perConn: 5 },
  comcast: { conn: 25, perConn: 1000, tls: 'required' },
  mimecast: { conn: 10, perConn: 100 },
  'mail-com': { perConn: 100 },
  orange: { provider: 3, perConn: 100 },
  gmx: { conn: 4, perConn: 20, tls: 'required' },
  'web-de': { conn: 4, perConn: 20, tls: 'required' },
  kpn: { conn: 10, perConn: 10, tls: 'required' },
  barracuda: { provider: 10, perConn: 15, tls: 'required' },
  qq: { conn: 4, perConn: 8, tls: 'required' },
  netease: { conn: 4, perConn: 7 },
};

test('shaping is at least as careful as KumoMTA for the default and every provider Kumo shapes', () => {
  for (const [site, k] of Object.entries(KUMO)) {
    const s = shapingFor(site);
    const kConn = k.conn ?? KUMO.default!.conn!;
    assert.ok(s.maxConnections <= kConn, `${site}: ${s.maxConnections} connections > Kumo ${kConn}`);
    if (k.provider !== undefined) {
      const ours = s.providerMaxConnections ?? Number.POSITIVE_INFINITY;
      assert.ok(ours <= k.provider, `${site}: provider connections ${ours} > Kumo ${k.provider}`);
    }
    const kPer = k.perConn ?? KUMO.default!.perConn!;
    assert.ok(s.maxMessagesPerConnection <= kPer, `${site}: ${s.maxMessagesPerConnection} per connection > Kumo ${kPer}`);
    assert.ok(ratePerSecond(s.messageRate) <= ratePerSecond(parseRate(k.rate ?? KUMO.default!.rate!)), `${site}: message rate`);
    assert.ok(ratePerSecond(s.connectionRate) <= ratePerSecond(parseRate(k.connRate ?? KUMO.default!.connRate!)), `${site}: connection rate`);
    if (k.tls === 'required') assert.equal(s.tls, 'required', `${site}: TLS`);
  }
});

test('defaults: table', () => {
  const d = shapingFor('mx1.example.org,mx2.example.org');
  assert.equal(d.provider, undefined);
  assert.equal(d.maxConnections, 10);
  assert.equal(d.tls, 'opportunistic');
  assert.deepEqual(d.messageRate, { count: 100, perMs: 1000 });
  assert.deepEqual(d.maxAgeMs, { transactional: 86_400_000, marketing: 3 * 86_400_000 });
  assert.deepEqual(d.retry, { initialDelayMs: 600_000, factor: 2, maxDelayMs: 4 * 3_600_000, jitter: 0.2 });
  assert.equal(d.idleTimeoutMs, 60_000);
  const g = shapingFor('google');
  assert.equal(g.provider, 'google');
  assert.equal(g.maxMessagesPerConnection, 50);
  assert.equal(g.messageRate.count, 100, 'fields a provider does not set come from the default');
  // a catalogue provider without built-in rules still reports itself as the provider
  assert.equal(shapingFor('seznam').provider, 'seznam');
  assert.equal(shapingFor('seznam').maxConnections, 10);
});

test('operator overrides: default <- provider <- operator, per site, memoised', () => {
  const policy = createShaping({
    default: { maxConnections: 3, maxAge: { marketing: '2d' } },
    sites: {
      google: { messageRate: '20/s', retry: { initialDelay: '15m' } },
      '127.0.0.1:2526': { maxConnections: 50, messageRate: '5000/s', maxMessagesPerConnection: 1000 },
    },
  });
  const g = policy.shapingFor('google');
  assert.equal(g.maxConnections, 5, 'the built-in provider layer sits above the operator default');
  assert.deepEqual(g.messageRate, { count: 20, perMs: 1000 });
  assert.equal(g.retry.initialDelayMs, 900_000);
  assert.equal(g.retry.factor, 2, 'nested retry fields merge, not replace');
  assert.equal(g.maxAgeMs.marketing, 2 * 86_400_000);
  assert.equal(g.maxAgeMs.transactional, 86_400_000);
  const sink = policy.shapingFor('127.0.0.1:2526');
  assert.equal(sink.maxConnections, 50);
  assert.equal(ratePerSecond(sink.messageRate), 5000);
  const other = policy.shapingFor('mx.example.org');
  assert.equal(other.maxConnections, 3);
  assert.equal(policy.shapingFor('google'), g, 'memoised: the same object per site');
  // a site that belongs to a provider gets the provider layer and then its own layer
  const hosted = createShaping({ sites: { 'gmx-hosted-site': { maxConnections: 1 } } }).shapingFor('gmx-hosted-site', 'gmx');
  assert.equal(hosted.provider, 'gmx');
  assert.equal(hosted.maxMessagesPerConnection, 20);
  assert.equal(hosted.maxConnections, 1);
});

test('invalid overrides fail at construction with every problem listed', () => {
  assert.throws(
    () => createShaping({ sites: { google: { maxConnections: 0, messageRate: 'fast', tls: 'maybe' as never } } }),
    (e: Error) => /maxConnections/.test(e.message) && /messageRate/.test(e.message) && /tls/.test(e.message),
  );
});

test('validateShapingSpec rejects bad entries', () => {
  const bad: [object, RegExp][] = [
    [{ maxConection: 5 }, /unknown field "maxConection"/],
    [{ maxConnections: 2.5 }, /positive integer/],
    [{ messageRate: '100 per hour' }, /invalid rate/],
    [{ connectionRate: '0/s' }, /positive/],
    [{ idleTimeout: 'soon' }, /invalid duration/],
    [{ retry: { factor: 0.5 } }, /factor/],
    [{ retry: { jitter: 1 } }, /jitter/],
    [{ retry: { backoff: 2 } }, /unknown field "backoff"/],
    [{ maxAge: { newsletter: '1d' } }, /unknown stream/],
    [{ tls: 'Required' }, /tls/],
  ];
  for (const [spec, want] of bad) {
    const errors = validateShapingSpec(spec, 'x');
    assert.ok(errors.some((e) => want.test(e)), `${JSON.stringify(spec)} -> ${errors.join('; ')}`);
  }
  assert.deepEqual(validateShapingSpec({ maxConnections: 1, messageRate: '100/h', tls: 'disabled' }, 'x'), []);
  const incomplete: ShapingRules = { default: { maxConnections: 1 }, providers: { nosuch: {} } };
  const errors = validateShapingRules(incomplete, (id) => providerById(id) !== undefined);
  assert.ok(errors.some((e) => /missing/.test(e)));
  assert.ok(errors.some((e) => /nosuch: not a catalogue provider/.test(e)));
});
