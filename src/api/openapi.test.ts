import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DOCUMENTED_ROUTES } from './openapi.ts';
import { startTestNode, type TestNode } from '../../test/support/node.ts';

let n: TestNode;
before(async () => {
  n = await startTestNode();
});
after(async () => n.stop());

test('every documented route exists, and /openapi.json lists them', async () => {
  const doc = (await (await fetch(`${n.url}/openapi.json`)).json()) as any;
  for (const r of DOCUMENTED_ROUTES) {
    assert.ok(doc.paths[r.path]?.[r.method], `${r.method} ${r.path} missing from /openapi.json`);
    const res = await fetch(`${n.url}${r.path.replace('{id}', '1')}`, { method: r.method.toUpperCase(), body: r.method === 'get' ? undefined : '{}' });
    const body = (await res.text()).slice(0, 200);
    assert.ok(!body.includes('no route for'), `${r.method} ${r.path} is documented but not routed`);
  }
});

test('unknown routes are 404 with a clear message; health and readiness answer', async () => {
  const r = await fetch(`${n.url}/v1/nope`);
  assert.equal(r.status, 404);
  assert.equal((await fetch(`${n.url}/healthz`)).status, 200);
  const ready = (await (await fetch(`${n.url}/readyz`)).json()) as any;
  assert.equal(ready.status, 'ready');
  const metrics = await (await fetch(`${n.url}/metrics`)).text();
  assert.match(metrics, /relais_spool_depth/);
  assert.match(metrics, /^relais_body_files_bytes \d+$/m);
});
