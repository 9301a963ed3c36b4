// `relais domain …` against a real DNS server on loopback: add, publish what it prints,
// check, list, rotate, verify by hand; names and ids; errors with exit codes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type DnsServer, startDnsServer } from '../../../test/support/dns-server.ts';
import { runCli } from '../main.ts';

const dir = mkdtempSync(join(tmpdir(), 'relais-cli-domain-'));
let dns: DnsServer;
before(async () => {
  dns = await startDnsServer({ zones: { 'relais.test': { bounces: { MX: ['10 mx.relais.test'] }, mx: { A: ['192.0.2.20'] } }, 'cli.test': { '@': { MX: ['10 mx.relais.test'] } } } });
  process.env.RELAIS_DATA_DIR = dir;
  process.env.RELAIS_HOSTNAME = 'relais.test';
  process.env.RELAIS_DNS_SERVERS = dns.server;
});
after(async () => {
  await dns.stop();
  rmSync(dir, { recursive: true, force: true });
  delete process.env.RELAIS_DNS_SERVERS;
});

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('domain add → publish → check → list → rotate-key → verify', async () => {
  assert.equal((await cli('ip', 'add', '192.0.2.10', '--helo', 'mta1.relais.test')).code, 0);
  const tenant = JSON.parse((await cli('tenant', 'create', 'Acme', '--json')).out).tenant.id as number;
  assert.equal((await cli('domain', 'add', 'cli.test')).code, 1, '--tenant is required');
  const human = await cli('domain', 'add', 'cli.test', '--tenant', String(tenant));
  assert.equal(human.code, 0, human.err);
  assert.match(human.out, /\[spf\] required, create\n {2}cli\.test\. 3600 IN TXT "v=spf1 include:_spf\.relais\.test ~all"/);
  assert.match(human.out, /rp\.cli\.test\. 3600 IN CNAME bounces\.relais\.test\./);
  assert.equal((await cli('domain', 'add', 'cli.test', '--tenant', String(tenant))).code, 1, 'duplicate');

  const shown = JSON.parse((await cli('domain', 'show', 'cli.test', '--json')).out);
  const failed = await cli('domain', 'check', 'cli.test');
  assert.equal(failed.code, 1);
  assert.match(failed.out, /FAIL\s+spf/);
  assert.match(human.out, /_spf\.relais\.test\. 3600 IN TXT "v=spf1 ip4:192\.0\.2\.10 -all"/, 'the operator record');
  for (const r of [...shown.records, ...shown.operator_records.filter((x: { id: string }) => x.id === 'operator-spf')]) {
    if (r.type === 'CNAME') dns.set(r.name, 'CNAME', r.value);
    else dns.set(r.name, 'TXT', [r.strings]);
  }
  const ok = await cli('domain', 'check', String(shown.id), '--json');
  assert.equal(ok.code, 0, ok.out);
  assert.equal(JSON.parse(ok.out).check.status, 'verified');
  const list = await cli('domain', 'list', '--tenant', String(tenant));
  assert.match(list.out, new RegExp(`${shown.id}\\s+${tenant}\\s+cli\\.test\\s+verified\\s+yes\\s+rls\\d+`));

  const rot = await cli('domain', 'rotate-key', 'cli.test');
  assert.equal(rot.code, 0, rot.err);
  assert.match(rot.out, /New key rls\d+: publish\n {2}rls\d+\._domainkey\.cli\.test\. 3600 IN TXT "v=DKIM1; k=rsa; p=/);

  const t2 = JSON.parse((await cli('tenant', 'create', 'Beta', '--json')).out).tenant.id as number;
  const add2 = JSON.parse((await cli('domain', 'add', 'beta.test', '--tenant', String(t2), '--json')).out);
  const v = await cli('domain', 'verify', String(add2.id), '--note', 'lab', '--json');
  assert.equal(v.code, 0, v.err);
  assert.equal(JSON.parse(v.out).sending_allowed, true);
  const stolen = await cli('domain', 'add', 'cli.test', '--tenant', String(t2), '--json');
  assert.equal(stolen.code, 1);
  assert.match(JSON.parse(stolen.out).error, /already verified by another account/);
  assert.equal((await cli('domain', 'check', 'nope.test')).code, 1);
  assert.equal((await cli('domain', 'remove', 'cli.test')).code, 0);
  assert.equal(JSON.parse((await cli('domain', 'add', 'cli.test', '--tenant', String(t2), '--json')).out).name, 'cli.test', 'released');
  assert.match((await cli('domain', 'add', 'not a domain', '--tenant', String(tenant))).err, /not a domain name/);
});
