import assert from 'node:assert/strict';
import { testEachDialect } from '../../test/support/stores.ts';
import {
  addEgressIp, addPoolMembers, addRoute, assignPool, createPool, listEgressIps, listPools, listRoutes,
  loadTopology, parseRouteTarget, removeRoute, updateEgressIp,
} from './egress-repo.ts';
import { createTenant } from './tenants-repo.ts';

testEachDialect('egress IPs: add, validate, list, pause', async (store) => {
  await addEgressIp(store, { ip: '127.0.0.3', helo: 'out3.relais.test', ptr: 'out3.relais.test' });
  await addEgressIp(store, { ip: '127.0.0.2', helo: 'out2.relais.test', weight: 2 });
  await assert.rejects(() => addEgressIp(store, { ip: '127.0.0.2', helo: 'x.relais.test' }), /already exists/);
  await assert.rejects(() => addEgressIp(store, { ip: '300.1.1.1', helo: 'x.relais.test' }), /not an IP/);
  await assert.rejects(() => addEgressIp(store, { ip: '127.0.0.4', helo: 'localhost' }), /fully qualified/);
  const all = await listEgressIps(store);
  assert.deepEqual(all.map((i) => [i.ip, i.weight, i.status]), [['127.0.0.2', 2, 'active'], ['127.0.0.3', 1, 'active']]);
  const p = await updateEgressIp(store, '127.0.0.3', { status: 'paused' });
  assert.equal(p.status, 'paused');
  await assert.rejects(() => updateEgressIp(store, '10.9.9.9', { status: 'paused' }), /not found/);
});

testEachDialect('pools: shared per stream, dedicated per tenant, exclusive dedicated IPs', async (store) => {
  const t = await createTenant(store, 'Acme');
  for (const n of [2, 3, 4]) await addEgressIp(store, { ip: `127.0.0.${n}`, helo: `out${n}.relais.test` });
  await createPool(store, { name: 'marketing-a', stream: 'marketing' });
  await createPool(store, { name: 'acme', tenantId: t.id });
  await assert.rejects(() => createPool(store, { name: 'bad', stream: 'promo' }), /stream must be/);
  await assert.rejects(() => createPool(store, { name: 'ghost', tenantId: 999 }), /not found/);
  await addPoolMembers(store, 'marketing-a', ['127.0.0.2', '127.0.0.3']);
  await addPoolMembers(store, 'acme', ['127.0.0.4']);
  await assert.rejects(() => addPoolMembers(store, 'acme', ['127.0.0.2']), /cannot be shared/);
  await assert.rejects(() => addPoolMembers(store, 'marketing-a', ['127.0.0.4']), /cannot be shared/);
  const pools = await listPools(store);
  assert.deepEqual(pools.map((p) => [p.name, p.kind, p.stream, p.tenantId, p.ips]), [
    ['acme', 'dedicated', null, t.id, ['127.0.0.4']],
    ['marketing-a', 'shared', 'marketing', null, ['127.0.0.2', '127.0.0.3']],
  ]);
  const re = await assignPool(store, 'marketing-a', { stream: 'transactional' });
  assert.equal(re.stream, 'transactional');
  const topo = await loadTopology(store);
  assert.equal(topo.ips.length, 3);
  assert.equal(topo.pools.length, 2);
});

testEachDialect('routes: add replaces, list, remove', async (store) => {
  await addRoute(store, 'Example.NET', '127.0.0.1:2526');
  await addRoute(store, 'example.net', '127.0.0.1:2527');
  await addRoute(store, '*', 'smarthost.example:25');
  await assert.rejects(() => addRoute(store, 'example.org', '127.0.0.1'), /host:port/);
  assert.deepEqual((await listRoutes(store)).map((r) => [r.domain, r.target]), [['*', 'smarthost.example:25'], ['example.net', '127.0.0.1:2527']]);
  await removeRoute(store, 'example.net');
  await assert.rejects(() => removeRoute(store, 'example.net'), /not found/);
  assert.deepEqual(parseRouteTarget('[::1]:25'), { host: '::1', port: 25 });
});
