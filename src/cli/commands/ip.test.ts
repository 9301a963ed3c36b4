import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../main.ts';

const dir = mkdtempSync(join(tmpdir(), 'relais-cli-ip-'));
process.env.RELAIS_DATA_DIR = dir;
after(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('ip add/list/show, pool create/assign, route add/list/remove', async () => {
  assert.equal((await cli('ip', 'add', '127.0.0.2', '--helo', 'out2.relais.test', '--ptr', 'out2.relais.test')).code, 0);
  assert.equal((await cli('ip', 'add', '127.0.0.3', '--helo', 'out3.relais.test')).code, 0);
  const bad = await cli('ip', 'add', '999.0.0.1', '--helo', 'x.relais.test');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /not an IP/);
  const tenant = JSON.parse((await cli('tenant', 'create', 'Acme', '--json')).out).tenant.id as number;
  assert.equal((await cli('pool', 'create', 'shared-tx', '--stream', 'transactional', '--ip', '127.0.0.2')).code, 0);
  assert.equal((await cli('pool', 'create', 'acme', '--tenant', String(tenant))).code, 0);
  assert.equal((await cli('pool', 'assign', 'acme', '--ip', '127.0.0.3')).code, 0);
  const pools = JSON.parse((await cli('pool', 'list', '--json')).out) as { name: string; kind: string; tenantId: number | null; ips: string[] }[];
  assert.deepEqual(pools.map((p) => [p.name, p.kind, p.tenantId, p.ips]), [['acme', 'dedicated', tenant, ['127.0.0.3']], ['shared-tx', 'shared', null, ['127.0.0.2']]]);
  const shared = await cli('pool', 'assign', 'shared-tx', '--ip', '127.0.0.3');
  assert.equal(shared.code, 1, 'a dedicated IP cannot join a shared pool');
  const show = JSON.parse((await cli('ip', 'show', '127.0.0.3', '--json')).out);
  assert.deepEqual(show.pools, ['acme']);
  assert.match((await cli('ip', 'list')).out, /127\.0\.0\.2\s+out2\.relais\.test\s+out2\.relais\.test\s+1\s+active\s+shared-tx/);
  assert.equal((await cli('route', 'add', 'example.net', '127.0.0.1:2526')).code, 0);
  assert.deepEqual(JSON.parse((await cli('route', 'list', '--json')).out), [{ domain: 'example.net', target: '127.0.0.1:2526', source: 'store' }]);
  assert.equal((await cli('route', 'remove', 'example.net')).code, 0);
  assert.equal((await cli('route', 'remove', 'example.net')).code, 1);
});
