// The node extension: a node with the api role re-checks domains on its own timer and
// records what changed; the domain service is there for the routes.
import '../runtime/extensions.ts';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type DnsServer, startDnsServer } from '../../test/support/dns-server.ts';
import { startTestNode, type TestNode } from '../../test/support/node.ts';
import { DOMAIN_TIMERS, domainServiceFor } from './extension.ts';

let dns: DnsServer;
let n: TestNode;
const saved = { ...DOMAIN_TIMERS };

before(async () => {
  dns = await startDnsServer({ zones: { 'timer.test': { '@': { MX: ['10 mx.timer.test'] } } } });
  DOMAIN_TIMERS.recheckIntervalMs = 150;
  n = await startTestNode({ roles: 'api', env: { RELAIS_DNS_SERVERS: dns.server } });
});
after(async () => {
  await n?.stop();
  await dns?.stop();
  Object.assign(DOMAIN_TIMERS, saved);
});

test('the periodic re-check runs on its own and records the first verdicts', async () => {
  const svc = domainServiceFor(n.node.store);
  assert.ok(svc, 'the service is registered for the node');
  const d = await svc.add(n.tenantId, 'timer.test');
  const end = Date.now() + 10_000;
  let checkedAt: string | null = null;
  while (!checkedAt && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    checkedAt = (await svc.get(d.id)).checked_at;
  }
  assert.ok(checkedAt, 'checked without anyone asking');
  const audit = await n.node.store.db.selectFrom('audit_log').selectAll().where('actor', '=', 'periodic-check').execute();
  assert.ok(audit.some((a) => a.action === 'domain.check-changed' && JSON.parse(a.data).to === 'failed'));
});
