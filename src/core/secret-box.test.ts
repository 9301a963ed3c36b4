import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadMasterKey, open, parseMasterKey, seal } from './secret-box.ts';

test('seal/open round trip, wrong key and tampering fail', () => {
  const k1 = parseMasterKey('11'.repeat(32));
  const k2 = parseMasterKey('22'.repeat(32));
  const s = seal(k1, '-----BEGIN PRIVATE KEY-----');
  assert.ok(!s.includes('PRIVATE'));
  assert.equal(open(k1, s), '-----BEGIN PRIVATE KEY-----');
  assert.throws(() => open(k2, s), /wrong master key/);
  const parts = s.split('.');
  parts[3] = `A${parts[3].slice(1)}`;
  assert.throws(() => open(k1, parts.join('.')), /tampered/);
  assert.throws(() => parseMasterKey('short'), /32 bytes/);
});

test('master key file is generated once and reused', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'relais-mk-')), 'master.key');
  const a = loadMasterKey({ masterKeyFile: file });
  const b = loadMasterKey({ masterKeyFile: file });
  assert.equal(a.generated, true);
  assert.equal(b.generated, false);
  assert.deepEqual(a.key, b.key);
});
