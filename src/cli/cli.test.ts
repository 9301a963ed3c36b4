// The `relais` command as a user runs it: a real process, a temp data dir, --json output.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const cli = join(import.meta.dirname, 'main.ts');

function relais(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('tenant and key lifecycle through the CLI, machine-readable with --json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relais-cli-'));
  const env = { RELAIS_DATA_DIR: dir };
  try {
    const created = relais(env, 'tenant', 'create', 'Acme', 'BV', '--key', '--json');
    assert.equal(created.code, 0, created.err);
    const j = JSON.parse(created.out);
    assert.equal(j.tenant.name, 'Acme BV');
    assert.match(j.key.secret, /^[0-9a-f]{48}$/);
    const list = JSON.parse(relais(env, 'tenant', 'list', '--json').out);
    assert.equal(list.length, 1);
    const k2 = JSON.parse(relais(env, 'key', 'create', '--tenant', String(j.tenant.id), '--scopes', 'send,read', '--json').out);
    assert.deepEqual(k2.scopes, ['send', 'read']);
    const revoked = JSON.parse(relais(env, 'key', 'revoke', k2.id, '--json').out);
    assert.ok(revoked.revokedAt > 0);
    const human = relais(env, 'tenant', 'list');
    assert.match(human.out, /Acme BV/);
    const token = relais(env, 'admin', 'token').out.trim();
    assert.match(token, /^rat_/);
    assert.equal(relais(env, 'admin', 'token').out.trim(), token, 'the token is stable');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad input: clear errors and exit codes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relais-cli-'));
  try {
    const badScope = relais({ RELAIS_DATA_DIR: dir }, 'key', 'create', '--tenant', '1', '--scopes', 'root');
    assert.equal(badScope.code, 1);
    assert.match(badScope.err, /unknown scope "root"/);
    const noTenant = relais({ RELAIS_DATA_DIR: dir }, 'key', 'create', '--tenant', '999', '--json');
    assert.equal(noTenant.code, 1);
    assert.match(JSON.parse(noTenant.out).error, /tenant 999 not found/);
    const badEnv = relais({ RELAIS_DATA_DIR: dir, RELAIS_HTTP_PROT: '1' }, 'config', 'check');
    assert.equal(badEnv.code, 1);
    assert.match(badEnv.err, /unknown environment variable RELAIS_HTTP_PROT/);
    const ok = relais({ RELAIS_DATA_DIR: dir }, 'config', 'check', '--json');
    assert.equal(JSON.parse(ok.out).ok, true);
    const unknown = relais({ RELAIS_DATA_DIR: dir }, 'frobnicate');
    assert.equal(unknown.code, 2);
    assert.match(unknown.out, /Commands:/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
