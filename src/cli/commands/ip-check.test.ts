// The egress-IP DNS check (FCrDNS + HELO) as operators see it: `relais ip show` (human and
// --json) and GET /v1/admin/ips/{id}, against a real DNS server on loopback. The CLI runs
// in-process: the DNS server lives in this process, so a child process blocked by spawnSync
// would never get an answer.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Hono } from 'hono';
import { type DnsServer, startDnsServer } from '../../../test/support/dns-server.ts';
import { openStore, type Store } from '../../store/database.ts';
import { migrate } from '../../store/migrate.ts';
import { mountDeliveryAdmin } from '../../mta/admin-routes.ts';
import { runCli } from '../main.ts';

const dir = mkdtempSync(join(tmpdir(), 'relais-cli-ip-check-'));
let dns: DnsServer;
before(async () => {
  dns = await startDnsServer({
    zones: {
      'relais.test': {
        mta1: { A: ['192.0.2.1'] },
        mta2: { A: ['192.0.2.99'] },
        mta3: { A: ['192.0.2.3'] },
        other: { A: ['192.0.2.3'] },
        mta4: { A: ['192.0.2.4'] },
        mta5: { A: ['192.0.2.5'] },
      },
      '2.0.192.in-addr.arpa': {
        '1': { PTR: ['mta1.relais.test'] },
        '2': { PTR: ['mta2.relais.test'] },
        '3': { PTR: ['mta3.relais.test'] },
        '5': { PTR: ['mta5.relais.test'] },
      },
    },
  });
  process.env.RELAIS_DATA_DIR = dir;
  process.env.RELAIS_DNS_SERVERS = dns.server;
  // 192.0.2.1 all good; .2 PTR name resolves elsewhere; .3 HELO differs from PTR; .4 no PTR; .5 DNS times out.
  for (const [ip, helo] of [['192.0.2.1', 'mta1.relais.test'], ['192.0.2.2', 'mta2.relais.test'], ['192.0.2.3', 'other.relais.test'], ['192.0.2.4', 'mta4.relais.test'], ['192.0.2.5', 'mta5.relais.test']]) {
    const r = await cli('ip', 'add', ip!, '--helo', helo!);
    assert.equal(r.code, 0, r.err);
  }
});
after(async () => {
  await dns.stop();
  delete process.env.RELAIS_DNS_SERVERS;
  rmSync(dir, { recursive: true, force: true });
});

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

interface DnsCheckJson {
  verdict: string;
  ptr: string[];
  forward_confirmed: string[];
  warnings: string[];
  checks: { id: string; verdict: string; problems: string[] }[];
}
async function showJson(ip: string): Promise<DnsCheckJson> {
  const r = await cli('ip', 'show', ip, '--json');
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out).dns_check as DnsCheckJson;
}
const problems = (d: DnsCheckJson, id: string) => d.checks.find((c) => c.id === id)?.problems;

test('ip show: PTR and HELO match → pass, no warnings', async () => {
  const d = await showJson('192.0.2.1');
  assert.equal(d.verdict, 'pass', JSON.stringify(d));
  assert.deepEqual(d.ptr, ['mta1.relais.test']);
  assert.deepEqual(d.forward_confirmed, ['mta1.relais.test']);
  assert.deepEqual(d.warnings, []);
  const human = await cli('ip', 'show', '192.0.2.1');
  assert.match(human.out, /^DNS: {5}PASS \(PTR mta1\.relais\.test, forward-confirmed\)$/m);
  assert.doesNotMatch(human.out, /warning:/);
});

test('ip show: PTR missing → fail with what to ask for', async () => {
  const d = await showJson('192.0.2.4');
  assert.equal(d.verdict, 'fail');
  assert.deepEqual(problems(d, 'ptr'), ['missing']);
  const human = await cli('ip', 'show', '192.0.2.4');
  assert.match(human.out, /^DNS: {5}FAIL \(no PTR\)$/m);
  assert.match(human.out, /warning: 192\.0\.2\.4 has no reverse DNS \(PTR\)\..*set its PTR to mta4\.relais\.test/);
});

test('ip show: PTR name does not resolve back → fail, says what to publish', async () => {
  const d = await showJson('192.0.2.2');
  assert.equal(d.verdict, 'fail');
  assert.deepEqual(d.ptr, ['mta2.relais.test']);
  assert.deepEqual(d.forward_confirmed, []);
  assert.deepEqual(problems(d, 'ptr'), ['not-forward-confirmed']);
  assert.ok(d.warnings.some((w) => /Publish mta2\.relais\.test\. A 192\.0\.2\.2/.test(w)), d.warnings.join('\n'));
});

test('ip show: HELO differs from the PTR name → warning', async () => {
  const d = await showJson('192.0.2.3');
  assert.equal(d.verdict, 'warning');
  assert.deepEqual(problems(d, 'ptr'), []);
  assert.deepEqual(problems(d, 'helo'), ['helo-ptr-mismatch']);
  const human = await cli('ip', 'show', '192.0.2.3');
  assert.match(human.out, /^DNS: {5}WARNING/m);
  assert.match(human.out, /warning: The HELO name other\.relais\.test resolves to 192\.0\.2\.3 but differs from its PTR name mta3\.relais\.test/);
});

test('ip show: DNS timeout → temporary-error, quickly', async () => {
  dns.fail('5.2.0.192.in-addr.arpa', '*', 'TIMEOUT');
  dns.fail('mta5.relais.test', '*', 'TIMEOUT');
  try {
    const t0 = Date.now();
    const d = await showJson('192.0.2.5');
    assert.equal(d.verdict, 'temporary-error', JSON.stringify(d));
    assert.ok(d.warnings.some((w) => /temporary problem with DNS/.test(w)));
    assert.ok(Date.now() - t0 < 6000, `took ${Date.now() - t0} ms`);
  } finally {
    dns.clearFailures();
  }
  assert.equal((await showJson('192.0.2.5')).verdict, 'pass', 'the same IP passes once DNS answers');
});

test('GET /v1/admin/ips/{id} carries dns_check', async () => {
  const store: Store = await openStore(`sqlite:${join(dir, 'relais.db')}`);
  try {
    await migrate(store);
    const app = new Hono();
    mountDeliveryAdmin(app, { store, config: { dnsServers: [dns.server] } });
    const ok = await app.request('/v1/admin/ips/192.0.2.1');
    assert.equal(ok.status, 200);
    const okBody = (await ok.json()) as { ip: string; dns_check: DnsCheckJson };
    assert.equal(okBody.ip, '192.0.2.1');
    assert.equal(okBody.dns_check.verdict, 'pass');
    const bad = (await (await app.request('/v1/admin/ips/192.0.2.2')).json()) as { dns_check: DnsCheckJson };
    assert.equal(bad.dns_check.verdict, 'fail');
    assert.deepEqual(problems(bad.dns_check, 'ptr'), ['not-forward-confirmed']);
    assert.ok(bad.dns_check.warnings.length > 0);
    dns.fail('mta5.relais.test', '*', 'TIMEOUT');
    dns.fail('5.2.0.192.in-addr.arpa', '*', 'TIMEOUT');
    const tmp = (await (await app.request('/v1/admin/ips/192.0.2.5')).json()) as { dns_check: DnsCheckJson };
    assert.equal(tmp.dns_check.verdict, 'temporary-error');
    dns.clearFailures();
    assert.equal((await app.request('/v1/admin/ips/192.0.2.77')).status, 404);
  } finally {
    await store.close();
  }
});

test('the overall deadline turns a DNS that never answers into temporary-error', async () => {
  const { egressDnsCheck } = await import('../../auth/egress-dns-check.ts');
  const never = new Proxy({}, { get: () => () => new Promise(() => {}) }) as import('../../dns/resolver.ts').Resolver;
  const t0 = Date.now();
  const d = await egressDnsCheck({ ip: '192.0.2.1', helo: 'mta1.relais.test' }, { config: { dnsServers: [] }, resolver: never, deadlineMs: 200 });
  assert.equal(d.verdict, 'temporary-error');
  assert.match(d.warnings[0]!, /did not finish within 0\.2 s/);
  assert.ok(Date.now() - t0 < 1000);
});
