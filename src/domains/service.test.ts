// The domain service on both store dialects against a real DNS server: verification state
// across temporary DNS failures, signing stops when the key leaves DNS, rotation through the
// overlap to retirement (manual clock), automatic rotation of old keys, two tenants racing
// for one domain, the periodic re-check and its audit trail, sealed private keys.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { type DnsServer, startDnsServer } from '../../test/support/dns-server.ts';
import { testEachDialect } from '../../test/support/stores.ts';
import { ManualClock } from '../core/clock.ts';
import { createDnsResolver } from '../dns/node-resolver.ts';
import type { Store } from '../store/database.ts';
import { ConflictError, listKeys } from '../store/domains-repo.ts';
import { addEgressIp } from '../store/egress-repo.ts';
import { gateAdvice } from './gate.ts';
import { createDomainService, type DomainWithPlan } from './service.ts';
import { signerFor, signersReady } from './signer-cache.ts';

let dns: DnsServer;
const DAY = 86_400_000;

before(async () => {
  dns = await startDnsServer({ zones: { 'relais.test': { bounces: { MX: ['10 mx.relais.test'] }, mx: { A: ['192.0.2.20'] } } } });
});
after(() => dns.stop());

async function setup(store: Store) {
  await addEgressIp(store, { ip: '192.0.2.10', helo: 'mta1.relais.test' });
  const clock = new ManualClock(Date.UTC(2026, 2, 1));
  const masterKey = Buffer.alloc(32, 7);
  const resolver = createDnsResolver({ servers: [dns.server], cache: false, timeoutMs: 300, tries: 1 });
  const svc = createDomainService({ store, masterKey, clock, resolver, rsaBits: 1024, config: { hostname: 'relais.test', bounceDomain: 'bounces.relais.test', dnsServers: [] } });
  return { svc, clock, masterKey };
}

function publish(d: DomainWithPlan, only?: (id: string) => boolean): void {
  for (const r of [...d.records, ...d.operator_records.filter((x) => x.id === 'operator-spf')]) {
    if (only && !only(r.id)) continue;
    if (r.type === 'CNAME') dns.set(r.name, 'CNAME', r.value);
    else dns.set(r.name, 'TXT', [r.strings!]);
  }
}

/** A fresh zone per test and dialect, so runs never see each other's records. */
function zone(store: Store, label: string): string {
  const apex = `${label}-${store.dialect}.test`;
  dns.addZone(apex, { '@': { MX: ['10 mx.relais.test'] } });
  return apex;
}

testEachDialect('verified state survives temporary DNS errors; signing stops when the key leaves DNS', async (store) => {
  const { svc, masterKey } = await setup(store);
  const name = zone(store, 'temp');
  const d = await svc.add(1, name);
  const row = await store.db.selectFrom('dkim_keys').select('private_key').where('domain_id', '=', d.id).executeTakeFirstOrThrow();
  assert.doesNotMatch(row.private_key, /PRIVATE KEY/, 'the private key is sealed at rest');
  publish(d);
  assert.equal((await svc.check(d.id, 1)).check.status, 'verified');
  await signersReady({ store, masterKey });
  assert.ok(signerFor({ store, masterKey })(name));

  dns.fail(name, 'TXT', 'SERVFAIL');
  dns.fail(`_dmarc.${name}`, 'TXT', 'SERVFAIL');
  const temp = await svc.check(d.id, 1);
  dns.clearFailures();
  assert.equal(temp.check.status, 'unknown');
  const spf = temp.check.records.find((r) => r.id === 'spf')!;
  assert.equal(spf.verdict, 'temporary-error');
  assert.match(spf.explanation, /temporary/);
  assert.doesNotMatch(spf.explanation, /no SPF record/, 'a temporary error is never reported as "not set up"');
  assert.equal(temp.domain.sending_allowed, true, 'the previous verification stands');
  assert.deepEqual(temp.changes, [], 'a temporary error is not a change');

  dns.remove(d.keys[0]!.record.name, 'TXT');
  const gone = await svc.check(d.id, 1);
  assert.equal(gone.check.status, 'failed');
  assert.equal(gone.domain.sending_allowed, false);
  assert.equal(gone.domain.keys[0]!.signing, false);
  assert.equal(signerFor({ store, masterKey })(name), undefined, 'nothing signs with a key that is not in DNS');
  assert.match(gone.check.records.find((r) => r.id.startsWith('dkim:'))!.explanation, /No DKIM key is published/i);
  const audit = await store.db.selectFrom('audit_log').select(['action', 'data']).where('action', '=', 'domain.check-changed').execute();
  assert.deepEqual(
    audit.map((a) => [JSON.parse(a.data).from, JSON.parse(a.data).to]),
    [
      [null, 'verified'],
      ['verified', 'unknown'],
      ['unknown', 'failed'],
    ],
  );
});

testEachDialect('rotation: publish, wait, switch once in DNS, retire after the overlap; old keys rotate automatically', async (store) => {
  const { svc, clock } = await setup(store);
  const name = zone(store, 'rot');
  const d = await svc.add(1, name);
  publish(d);
  const first = (await svc.check(d.id, 1)).domain.keys[0]!.selector;

  const r1 = await svc.rotate(d.id, 1);
  const second = r1.keys.find((k) => k.state === 'pending')!;
  assert.notEqual(second.selector, first);
  const dkimRecords = r1.records.filter((r) => r.id.startsWith('dkim:')).map((r) => [r.id, r.action]);
  assert.deepEqual(dkimRecords, [
    [`dkim:${first}`, 'none'],
    [`dkim:${second.selector}`, 'create'],
  ]);
  await assert.rejects(svc.rotate(d.id, 1), ConflictError);

  clock.advance(DAY);
  const waiting = await svc.check(d.id, 1);
  assert.deepEqual(waiting.rotation, []);
  assert.equal(waiting.check.status, 'verified');

  publish(r1, (id) => id === `dkim:${second.selector}`);
  clock.advance(DAY);
  const switched = await svc.check(d.id, 1);
  assert.deepEqual(
    switched.domain.keys.map((k) => [k.selector, k.state, k.signing]),
    [
      [first, 'retiring', false],
      [second.selector, 'active', true],
    ],
  );
  clock.advance(3 * DAY);
  assert.equal((await svc.check(d.id, 1)).domain.keys[0]!.state, 'retiring', 'still in the overlap');
  clock.advance(5 * DAY);
  const retired = await svc.check(d.id, 1);
  assert.equal(retired.domain.keys[0]!.state, 'retired');
  assert.ok(!retired.domain.records.some((r) => r.id === `dkim:${first}`), 'a retired key is no longer in the plan');

  clock.advance(181 * DAY);
  const old = await svc.check(d.id, 1);
  assert.equal(old.rotation.length, 1);
  assert.match(old.rotation[0]!, /older than the rotation period/);
  assert.equal((await listKeys(store, d.id)).filter((k) => k.state === 'pending').length, 1);
});

testEachDialect('two tenants, one domain: the first to verify keeps it; selectors never collide', async (store) => {
  const { svc } = await setup(store);
  const name = zone(store, 'race');
  const a = await svc.add(1, name);
  const b = await svc.add(2, name); // allowed while nobody has verified it
  assert.notEqual(a.keys[0]!.selector, b.keys[0]!.selector);
  publish(a);
  publish(b, (id) => id.startsWith('dkim:'));
  assert.equal((await svc.check(a.id, 1)).check.status, 'verified');
  await assert.rejects(svc.check(b.id, 2), (e: Error) => e instanceof ConflictError && /already verified by another account/.test(e.message));
  const bAfter = await svc.get(b.id, 2);
  assert.equal(bAfter.status, 'failed');
  assert.equal(bAfter.sending_allowed, false);
  await assert.rejects(svc.verifyByHand(b.id, 'operator:test'), ConflictError);
  // A domain verified by hand keeps its claim even when its checks fail.
  const hand = await svc.add(5, zone(store, 'hand'));
  await svc.verifyByHand(hand.id, 'operator:test');
  assert.equal((await svc.check(hand.id, 5)).check.status, 'failed');
  await assert.rejects(svc.add(6, hand.name), ConflictError);
  assert.equal((await svc.get(hand.id)).sending_allowed, true);
  const handClaim = await store.db.selectFrom('domains').select('claim').where('id', '=', hand.id).executeTakeFirstOrThrow();
  assert.equal(handClaim.claim, hand.name, 'the unique claim stays in place');
  await assert.rejects(svc.add(3, name), ConflictError);
  await assert.rejects(svc.get(a.id, 2), /not found/, "another tenant's domain is not visible");
  const claims = await store.db.selectFrom('domains').select('tenant_id').where('claim', '=', name).execute();
  assert.deepEqual(claims.map((c) => Number(c.tenant_id)), [1]);
});

testEachDialect('periodic re-check: checks every domain, skips recent ones, records changes', async (store) => {
  const { svc, clock } = await setup(store);
  const name = zone(store, 'periodic');
  const d = await svc.add(7, name);
  const first = await svc.recheckAll();
  assert.deepEqual(first, { checked: 1, changed: 1, errors: 0 });
  assert.deepEqual(await svc.recheckAll(3 * 3_600_000), { checked: 0, changed: 0, errors: 0 }, 'checked just now');
  publish(d);
  clock.advance(6 * 3_600_000);
  assert.deepEqual(await svc.recheckAll(3 * 3_600_000), { checked: 1, changed: 1, errors: 0 });
  const changed = await store.db.selectFrom('audit_log').selectAll().where('action', '=', 'domain.check-changed').where('actor', '=', 'periodic-check').execute();
  assert.equal(changed.length, 2);
  assert.equal(JSON.parse(changed[1]!.data).to, 'verified');
  assert.match(gateAdvice(name, { id: d.id, status: 'failed' }), new RegExp(`POST /v1/domains/${d.id}/check`));
});

testEachDialect('hostile TXT records (huge, binary, many strings) give verdicts, not crashes; stored check stays bounded', async (store) => {
  const { svc } = await setup(store);
  const name = zone(store, 'hostile');
  const d = await svc.add(1, name);
  const many = Array.from({ length: 60 }, (_, i) => `s${i}-${'x'.repeat(200)}`);
  dns.set(name, 'TXT', [many, [Buffer.from([0, 1, 2, 0xff, 0xfe, 0x22, 0x5c])], `v=spf1 ${'ip4:10.0.0.1 '.repeat(300)}+all`]);
  dns.set(d.keys[0]!.record.name, 'TXT', [[Buffer.from([0xff, 0x00]), 'v=DKIM1; p=', '\u0000'.repeat(100)]]);
  dns.set(`_dmarc.${name}`, 'TXT', [`v=DMARC1; p=${'z'.repeat(3000)}`, 'v=DMARC1; p=none']);
  const r = await svc.check(d.id, 1);
  assert.equal(r.check.status, 'failed');
  const byId = Object.fromEntries(r.check.records.map((x) => [x.id.startsWith('dkim:') ? 'dkim' : x.id, x]));
  assert.equal(byId.spf!.verdict, 'fail');
  assert.equal(byId.dkim!.verdict, 'fail');
  assert.equal(byId.dmarc!.verdict, 'fail');
  for (const x of r.check.records) {
    assert.ok(x.explanation.length < 2000, `${x.id} explanation stays readable`);
    for (const f of x.found) assert.ok(f.length <= 1100, `${x.id} found value is cut for display (${f.length})`);
  }
  const stored = await store.db.selectFrom('domains').select('last_check').where('id', '=', d.id).executeTakeFirstOrThrow();
  assert.ok(stored.last_check!.length < 50_000, `stored check is ${stored.last_check!.length} bytes`);
});
