import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadDeliveryPolicy } from './delivery-extension.ts';

test('the shaping file overrides shaping per site and automation rules; a bad one stops start-up', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relais-policy-'));
  try {
    assert.equal(loadDeliveryPolicy({ dataDir: dir }).shaping.shapingFor('google').maxConnections, 5, 'no file: built-in rules');
    const file = join(dir, 'policy.json');
    writeFileSync(file, JSON.stringify({
      default: { maxConnections: 3 },
      sites: { 'route:127.0.0.1:2526': { maxConnections: 50, messageRate: '5000/s' } },
      automation: [
        { id: 'any-ip-deferred', disabled: true },
        { id: 'lab-slow-down', providers: ['*'], match: 'slow down please', actions: [{ kind: 'reduce-rate', messageRate: '1/min' }], duration: '5m', examples: ['451 4.7.1 slow down please'] },
      ],
    }));
    const p = loadDeliveryPolicy({ dataDir: dir, shapingFile: file });
    assert.equal(p.shaping.shapingFor('route:127.0.0.1:2526').maxConnections, 50);
    assert.equal(p.shaping.shapingFor('mx.example.org').maxConnections, 3);
    assert.deepEqual(p.automation.record({ ip: '192.0.2.1', site: 'mx.example.org', reply: '451 4.7.1 slow down please' }).map((r) => r.rule), ['lab-slow-down']);
    assert.deepEqual(p.automation.record({ ip: '192.0.2.1', site: 'mx.example.org', reply: '421 [TSS04] Messages from 192.0.2.1 temporarily deferred' }), [], 'disabled rule');
    writeFileSync(file, JSON.stringify({ sites: { google: { maxConection: 3 } } }));
    assert.throws(() => loadDeliveryPolicy({ dataDir: dir, shapingFile: file }), /policy\.json.*maxConection/);
    writeFileSync(file, '{ nope');
    assert.throws(() => loadDeliveryPolicy({ dataDir: dir, shapingFile: file }), /policy\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
