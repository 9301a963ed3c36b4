import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../core/clock.ts';
import { AutomationEngine, type AutomationRule, mergeAutomationRules, validateAutomationRules } from './automation-engine.ts';
import { BUILTIN_AUTOMATION } from './automation-rules.ts';
import { effectiveShaping } from './effective-shaping.ts';
import { providerById } from './provider-catalogue.ts';
import { shapingFor } from './shaping.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

test('the built-in automation rules validate: regexes compile, real examples match, providers exist', () => {
  assert.deepEqual(validateAutomationRules(BUILTIN_AUTOMATION, (id) => providerById(id) !== undefined), []);
  const providers = new Set(BUILTIN_AUTOMATION.flatMap((r) => r.providers));
  for (const p of ['google', 'yahoo', 'microsoft-consumer', 'gmx', 'web-de', 'orange', 't-online', 'apple', '*']) {
    assert.ok(providers.has(p), `no automation for ${p}`);
  }
  const kinds = new Set(BUILTIN_AUTOMATION.flatMap((r) => r.actions.map((a) => a.kind)));
  assert.deepEqual([...kinds].sort(), ['bounce', 'reduce-connections', 'reduce-rate', 'suspend-site-for-ip', 'suspend-tenant']);
});

test('every example reply triggers its own rule on its provider site, at its threshold', () => {
  for (const rule of BUILTIN_AUTOMATION) {
    const site = rule.providers[0] === '*' ? 'mx1.example.org' : rule.providers[0]!;
    for (const reply of rule.examples) {
      const clock = new ManualClock();
      const engine = new AutomationEngine(BUILTIN_AUTOMATION, clock);
      const n = rule.threshold ? Number.parseInt(rule.threshold, 10) : 1;
      let fired: string[] = [];
      for (let i = 0; i < n; i++) {
        fired = engine.record({ ip: '192.0.2.1', site, tenant: 't1', reply }).map((r) => r.rule);
        if (i < n - 1) assert.ok(!fired.includes(rule.id), `${rule.id} fired before its threshold`);
        clock.advance(1000);
      }
      assert.ok(fired.includes(rule.id), `${rule.id} did not fire on: ${reply.slice(0, 60)}`);
    }
  }
});

test('the validator rejects bad rules', () => {
  const good: AutomationRule = {
    id: 'x-rule',
    providers: ['google'],
    match: 'rate limited',
    actions: [{ kind: 'suspend-site-for-ip' }],
    duration: '1h',
    examples: ['421 4.7.0 you are rate limited'],
  };
  assert.deepEqual(validateAutomationRules([good]), []);
  const bad: [Partial<AutomationRule>, RegExp][] = [
    [{ match: '(' }, /bad regex/],
    [{ match: '.*' }, /empty reply/],
    [{ examples: ['421 4.7.0 slow down'] }, /does not match/],
    [{ examples: ['rate limited'] }, /SMTP reply code/],
    [{ examples: [] }, /at least one/],
    [{ threshold: 'often' }, /threshold/],
    [{ duration: 'a while' }, /duration/],
    [{ actions: [] }, /no actions/],
    [{ actions: [{ kind: 'reduce-rate' }] }, /needs messageRate/],
    [{ actions: [{ kind: 'reduce-connections', maxConnections: 0 }] }, /positive integers/],
    [{ actions: [{ kind: 'suspend-tenant' }, { kind: 'suspend-site-for-ip' }] }, /cannot be combined/],
    [{ actions: [{ kind: 'bounce' }], examples: ['550 5.7.1 rate limited'] }, /bounce rule is for 4xx/],
    [{ actions: [{ kind: 'explode' } as never] }, /unknown action/],
    [{ providers: ['*', 'google'] }, /cannot be combined with providers/],
  ];
  for (const [patch, want] of bad) {
    const errors = validateAutomationRules([{ ...good, ...patch }]);
    assert.ok(errors.some((e) => want.test(e)), `${JSON.stringify(patch)} -> ${errors.join('; ')}`);
  }
  assert.ok(validateAutomationRules([good, good]).some((e) => /duplicate id/.test(e)));
  assert.ok(validateAutomationRules([{ ...good, providers: ['nosuch'] }], (id) => id === 'google').some((e) => /unknown provider nosuch/.test(e)));
  assert.throws(() => new AutomationEngine([{ ...good, match: '(' }], new ManualClock()), /invalid automation rules/);
});

const TSS04 = '421 4.7.0 [TSS04] Messages from 192.0.2.25 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1';
const MS_CONN = '451 4.7.652 The mail server [192.0.2.17] has exceeded the maximum number of connections. (S3115)';

test('Yahoo [TSS04] suspends the IP for Yahoo 2 h, records the evidence, then expires by itself', () => {
  const clock = new ManualClock(Date.UTC(2026, 5, 1, 12));
  const engine = new AutomationEngine(BUILTIN_AUTOMATION, clock);
  const recs = engine.record({ ip: '192.0.2.1', site: 'yahoo', tenant: 't1', reply: TSS04 });
  assert.equal(recs.length, 1, 'only the Yahoo rule: the generic "*" rule yields to the provider rule');
  assert.deepEqual(recs[0], {
    rule: 'yahoo-tss04',
    ip: '192.0.2.1',
    site: 'yahoo',
    tenant: 't1',
    action: { kind: 'suspend-site-for-ip' },
    from: clock.now(),
    until: clock.now() + 2 * HOUR,
    sampleReply: TSS04,
  });
  const base = shapingFor('yahoo');
  assert.equal(effectiveShaping(base, engine.active('192.0.2.1', 'yahoo'), clock.now()).suspendedUntil, clock.now() + 2 * HOUR);
  assert.equal(engine.active('192.0.2.2', 'yahoo').length, 0, 'other egress IPs keep delivering');
  assert.equal(engine.active('192.0.2.1', 'google').length, 0, 'other sites too');
  // repeated replies while suspended do not pile up records
  assert.deepEqual(engine.record({ ip: '192.0.2.1', site: 'yahoo', reply: TSS04 }), []);
  clock.advance(2 * HOUR - 1);
  assert.equal(engine.active('192.0.2.1', 'yahoo').length, 1);
  clock.advance(1);
  assert.equal(engine.active('192.0.2.1', 'yahoo').length, 0, 'expired at `until`');
  assert.equal(effectiveShaping(base, engine.active('192.0.2.1', 'yahoo'), clock.now()).suspendedUntil, undefined);
  assert.equal(engine.record({ ip: '192.0.2.1', site: 'yahoo', reply: TSS04 }).length, 1, 'a new reply after expiry triggers again');
});

test('thresholds count matches per window: 2/h for Microsoft connection limits', () => {
  const clock = new ManualClock();
  const engine = new AutomationEngine(BUILTIN_AUTOMATION, clock);
  const obs = { ip: '192.0.2.1', site: 'microsoft-consumer', reply: MS_CONN };
  assert.deepEqual(engine.record(obs), []);
  clock.advance(HOUR + 1); // the first match leaves the window
  assert.deepEqual(engine.record(obs), []);
  clock.advance(30 * MIN);
  const recs = engine.record(obs);
  assert.deepEqual(recs.map((r) => [r.rule, r.action]), [['microsoft-max-connections', { kind: 'reduce-connections', maxConnections: 1 }]]);
  const eff = effectiveShaping(shapingFor('microsoft-consumer'), engine.active('192.0.2.1', 'microsoft-consumer'));
  assert.equal(eff.maxConnections, 1);
  assert.deepEqual(eff.adjustedBy, ['microsoft-max-connections']);
  assert.equal(eff.suspendedUntil, undefined);
});

test('the generic rule applies on sites without a matching provider rule; multi-action rules yield one record per action', () => {
  const clock = new ManualClock();
  const engine = new AutomationEngine(BUILTIN_AUTOMATION, clock);
  const reply = '421 [TSS04] Messages from 192.0.2.217 temporarily deferred due to unexpected volume or user complaints';
  const recs = engine.record({ ip: '192.0.2.1', site: 'mx1.yahoo.co.jp,mx2.yahoo.co.jp', reply });
  assert.deepEqual(recs.map((r) => r.action.kind), ['reduce-rate', 'reduce-connections']);
  const eff = effectiveShaping(shapingFor('mx1.yahoo.co.jp,mx2.yahoo.co.jp'), engine.active('192.0.2.1', 'mx1.yahoo.co.jp,mx2.yahoo.co.jp'));
  assert.deepEqual(eff.messageRate, { count: 1, perMs: MIN });
  assert.equal(eff.maxConnections, 1);
  assert.deepEqual(engine.record({ ip: '192.0.2.1', site: 'mx.example.org', reply: '250 2.0.0 OK' }), []);
});

test('Gmail 4.7.28: pause 15 minutes, then one connection for 2 hours', () => {
  const clock = new ManualClock();
  const engine = new AutomationEngine(BUILTIN_AUTOMATION, clock);
  const reply = BUILTIN_AUTOMATION.find((r) => r.id === 'google-ip-rate-limited')!.examples[0]!;
  const recs = engine.record({ ip: '192.0.2.1', site: 'google', reply });
  assert.deepEqual(recs.map((r) => r.rule).sort(), ['google-ip-rate-limited', 'google-ip-rate-limited-one-connection']);
  const base = shapingFor('google');
  let eff = effectiveShaping(base, engine.active('192.0.2.1', 'google'), clock.now());
  assert.equal(eff.suspendedUntil, clock.now() + 15 * MIN);
  assert.equal(eff.maxConnections, 1);
  clock.advance(15 * MIN);
  eff = effectiveShaping(base, engine.active('192.0.2.1', 'google'), clock.now());
  assert.equal(eff.suspendedUntil, undefined, 'resumes after the window');
  assert.equal(eff.maxConnections, 1, 'on one connection');
  clock.advance(2 * HOUR);
  assert.equal(effectiveShaping(base, engine.active('192.0.2.1', 'google'), clock.now()).maxConnections, base.maxConnections);
});

test('suspend-tenant holds one tenant for the site across IPs; others continue', () => {
  const clock = new ManualClock();
  const engine = new AutomationEngine(BUILTIN_AUTOMATION, clock);
  const reply = BUILTIN_AUTOMATION.find((r) => r.id === 'google-dkim-domain-rate-limited')!.examples[0]!;
  assert.deepEqual(engine.record({ ip: '192.0.2.1', site: 'google', reply }), [], 'no tenant, no tenant action');
  const recs = engine.record({ ip: '192.0.2.1', site: 'google', tenant: 'acme', reply });
  assert.equal(recs[0]!.action.kind, 'suspend-tenant');
  assert.equal(engine.tenantSuspendedUntil('acme', 'google'), clock.now() + 30 * MIN);
  assert.equal(engine.tenantSuspendedUntil('other', 'google'), undefined);
  assert.equal(engine.tenantSuspendedUntil('acme', 'yahoo'), undefined);
  assert.equal(engine.active('192.0.2.9', 'google', 'acme').length, 1, 'every IP sees the tenant suspension');
  assert.equal(effectiveShaping(shapingFor('google'), engine.active('192.0.2.9', 'google', 'acme')).suspendedUntil, undefined, 'the path itself stays open');
});

test('a bounce rule sets bounceUntil; effective shaping never loosens limits', () => {
  const clock = new ManualClock();
  const engine = new AutomationEngine(BUILTIN_AUTOMATION, clock);
  const ts03 = BUILTIN_AUTOMATION.find((r) => r.id === 'yahoo-ts03')!.examples[0]!;
  engine.record({ ip: '192.0.2.1', site: 'yahoo', reply: ts03 });
  const eff = effectiveShaping(shapingFor('yahoo'), engine.active('192.0.2.1', 'yahoo'));
  assert.equal(eff.bounceUntil, clock.now() + HOUR);
  const base = { ...shapingFor('mx.example.org'), maxConnections: 1 };
  const looser = effectiveShaping(base, [
    { rule: 'r', ip: 'i', site: 's', action: { kind: 'reduce-connections', maxConnections: 5 }, from: 0, until: Number.MAX_SAFE_INTEGER, sampleReply: '' },
    { rule: 'r2', ip: 'i', site: 's', action: { kind: 'reduce-rate', messageRate: '1000/s' }, from: 0, until: Number.MAX_SAFE_INTEGER, sampleReply: '' },
  ]);
  assert.equal(looser.maxConnections, 1);
  assert.deepEqual(looser.messageRate, base.messageRate);
});

test('records reload after a restart; expired ones are dropped; prune bounds memory', () => {
  const clock = new ManualClock();
  const first = new AutomationEngine(BUILTIN_AUTOMATION, clock);
  const stored = first.record({ ip: '192.0.2.1', site: 'yahoo', reply: TSS04 });
  clock.advance(HOUR);
  const second = new AutomationEngine(BUILTIN_AUTOMATION, clock);
  second.load([...stored, { ...stored[0]!, ip: '192.0.2.3', until: clock.now() - 1 }]);
  assert.equal(second.active('192.0.2.1', 'yahoo').length, 1);
  assert.equal(second.active('192.0.2.3', 'yahoo').length, 0);
  assert.equal(second.all().length, 1);
  // Heard again (another node's notification, a reconnect's catch-up): still held once.
  second.load([...stored, { ...stored[0]! }]);
  assert.equal(second.all().length, 1);
  second.load([{ ...stored[0]!, until: stored[0]!.until - 1 }]);
  assert.equal(second.all().length, 2, 'a different record is not a duplicate');
  clock.advance(HOUR);
  second.prune();
  assert.equal(second.all().length, 0);
});

test('recording is cheap: 100k non-matching replies well under a second', () => {
  const engine = new AutomationEngine(BUILTIN_AUTOMATION, new ManualClock());
  const t0 = performance.now();
  for (let i = 0; i < 100_000; i++) engine.record({ ip: '192.0.2.1', site: i % 2 ? 'google' : 'mx.example.org', reply: '450 4.2.1 mailbox busy, try later' });
  const ms = performance.now() - t0;
  assert.ok(ms < 2000, `${ms.toFixed(0)} ms`);
});

test('operator rules: same id replaces, disabled removes, new ids append', () => {
  const mine: AutomationRule = {
    id: 'seznam-slow-down',
    providers: ['seznam'],
    match: 'Too many messages',
    threshold: '2/h',
    actions: [{ kind: 'reduce-rate', messageRate: '30/min' }],
    duration: '1h',
    examples: ['421 4.7.0 Too many messages from 192.0.2.1, slow down'],
  };
  const tighter = { ...BUILTIN_AUTOMATION.find((r) => r.id === 'yahoo-tss04')!, duration: '6h' };
  const merged = mergeAutomationRules(BUILTIN_AUTOMATION, [mine, tighter, { id: 'yahoo-ts03', disabled: true }]);
  assert.equal(merged.length, BUILTIN_AUTOMATION.length);
  assert.equal(merged.find((r) => r.id === 'yahoo-tss04')!.duration, '6h');
  assert.equal(merged.find((r) => r.id === 'yahoo-ts03'), undefined);
  assert.deepEqual(validateAutomationRules(merged, (id) => providerById(id) !== undefined), []);
  const clock = new ManualClock();
  const engine = new AutomationEngine(merged, clock);
  assert.equal(engine.record({ ip: '192.0.2.1', site: 'yahoo', reply: TSS04 })[0]!.until, clock.now() + 6 * HOUR);
});
