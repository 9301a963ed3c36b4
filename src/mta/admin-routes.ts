// Operator API for the sending topology: egress IPs, pools, static routes, and a look at
// the ready queues. Mounted under /v1/admin (bearer auth is enforced there).
import type { Context, Hono } from 'hono';
import { egressDnsCheck } from '../auth/egress-dns-check.ts';
import type { Config } from '../core/config.ts';
import { adminMounts } from '../api/admin-routes.ts';
import { documentRoute } from '../api/openapi.ts';
import { problem } from '../api/tenant-routes.ts';
import {
  addEgressIp, addPoolMembers, addRoute, assignPool, createPool, findEgressIp, getPool, listEgressIps, listPools, listRoutes,
  removeRoute, updateEgressIp,
} from '../store/egress-repo.ts';
import { queueCounts, scheduledQueues } from '../store/queue-repo.ts';
import { scheduledQueueKey } from './policy/site-key.ts';
import { clusterSignalsFor, deliveryLoopFor } from './delivery-extension.ts';

const admin = [{ adminToken: [] }];

async function body(c: Context): Promise<Record<string, unknown> | Response> {
  try {
    const b = await c.req.json();
    if (b && typeof b === 'object' && !Array.isArray(b)) return b as Record<string, unknown>;
  } catch {
    return problem(c, 400, 'malformed_json', 'request body is not valid JSON');
  }
  return problem(c, 400, 'validation', 'body must be a JSON object');
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

export function mountDeliveryAdmin(app: Hono, deps: { store: import('../store/database.ts').Store; config?: Pick<Config, 'dnsServers'> }): void {
  const { store } = deps;
  // This node's loop reloads at once; the other nodes hear it through NOTIFY (PostgreSQL).
  const changed = async () => {
    deliveryLoopFor(store)?.invalidateTopology();
    await clusterSignalsFor(store)?.topologyChanged();
  };

  app.get('/v1/admin/ips', async (c) => c.json({ data: await listEgressIps(store) }));
  app.post('/v1/admin/ips', async (c) => {
    const b = await body(c);
    if (b instanceof Response) return b;
    if (!str(b.ip) || !str(b.helo)) return problem(c, 400, 'validation', 'ip and helo (strings) are required');
    const ip = await addEgressIp(store, { ip: str(b.ip)!, helo: str(b.helo)!, ptr: str(b.ptr) ?? null, weight: num(b.weight) });
    await changed();
    return c.json(ip, 201);
  });
  app.get('/v1/admin/ips/:id', async (c) => {
    const ip = await findEgressIp(store, c.req.param('id'));
    if (!ip) return problem(c, 404, 'not_found', `egress IP ${c.req.param('id')} not found`);
    const pools = (await listPools(store)).filter((p) => p.ips.includes(ip.ip)).map((p) => p.name);
    // Checked on every request (no cache: an operator fixing DNS wants the current state);
    // bounded by a deadline, so an unreachable DNS server gives a temporary verdict.
    const dns_check = deps.config ? await egressDnsCheck(ip, { config: deps.config }) : null;
    return c.json({ ...ip, pools, dns_check });
  });
  app.patch('/v1/admin/ips/:id', async (c) => {
    const b = await body(c);
    if (b instanceof Response) return b;
    const status = str(b.status) as 'active' | 'paused' | undefined;
    const ip = await updateEgressIp(store, c.req.param('id'), { ...(status ? { status } : {}), ...(num(b.weight) !== undefined ? { weight: num(b.weight) } : {}) });
    await changed();
    return c.json(ip);
  });

  app.get('/v1/admin/pools', async (c) => c.json({ data: await listPools(store) }));
  app.post('/v1/admin/pools', async (c) => {
    const b = await body(c);
    if (b instanceof Response) return b;
    if (!str(b.name)) return problem(c, 400, 'validation', 'name (string) is required');
    let pool = await createPool(store, { name: str(b.name)!, stream: str(b.stream) ?? null, tenantId: num(b.tenant_id) ?? null });
    if (Array.isArray(b.ips)) pool = await addPoolMembers(store, pool.name, b.ips.map(String));
    await changed();
    return c.json(pool, 201);
  });
  app.get('/v1/admin/pools/:id', async (c) => c.json(await getPool(store, c.req.param('id'))));
  app.post('/v1/admin/pools/:id/ips', async (c) => {
    const b = await body(c);
    if (b instanceof Response) return b;
    if (!Array.isArray(b.ips)) return problem(c, 400, 'validation', 'ips (array of addresses) is required');
    const pool = await addPoolMembers(store, c.req.param('id'), b.ips.map(String));
    await changed();
    return c.json(pool);
  });
  app.post('/v1/admin/pools/:id/assign', async (c) => {
    const b = await body(c);
    if (b instanceof Response) return b;
    const to = num(b.tenant_id) !== undefined ? { tenantId: num(b.tenant_id)! } : 'stream' in b ? { stream: str(b.stream) ?? null } : undefined;
    if (!to) return problem(c, 400, 'validation', 'give tenant_id (dedicated) or stream (shared; null = both streams)');
    const pool = await assignPool(store, c.req.param('id'), to);
    await changed();
    return c.json(pool);
  });

  app.get('/v1/admin/routes', async (c) => c.json({ data: await listRoutes(store) }));
  app.post('/v1/admin/routes', async (c) => {
    const b = await body(c);
    if (b instanceof Response) return b;
    if (!str(b.domain) || !str(b.target)) return problem(c, 400, 'validation', 'domain and target ("host:port") are required');
    const r = await addRoute(store, str(b.domain)!, str(b.target)!);
    await changed();
    return c.json(r, 201);
  });
  app.delete('/v1/admin/routes/:id', async (c) => {
    await removeRoute(store, c.req.param('id'));
    await changed();
    return c.body(null, 204);
  });

  app.get('/v1/admin/queues', async (c) => {
    const loop = deliveryLoopFor(store);
    const scheduled = (await scheduledQueues(store, 50)).map((q) => ({
      key: scheduledQueueKey(q.tenantId, q.campaign ?? undefined, q.domain),
      ...q,
      nextAttemptAt: new Date(q.nextAttemptAt).toISOString(),
    }));
    return c.json({ counts: await queueCounts(store), scheduled, delivery: loop ? { ...loop.snapshot(), stats: loop.stats } : null });
  });

  // Automation adjustments in force on this node (suspensions, reduced rates/connections).
  app.get('/v1/admin/automation', async (c) => {
    const loop = deliveryLoopFor(store);
    const all = loop?.automation?.all() ?? [];
    return c.json({ data: all.map((r) => ({ ...r, from: new Date(r.from).toISOString(), until: new Date(r.until).toISOString() })) });
  });

  // Pause one ready queue: {"ip": "192.0.2.7" | "default", "site": "google", "minutes": 60}.
  app.post('/v1/admin/queues/pause', async (c) => {
    const b = await body(c);
    if (b instanceof Response) return b;
    const loop = deliveryLoopFor(store);
    if (!loop) return problem(c, 409, 'no_mta', 'this node does not run the mta role');
    const minutes = num(b.minutes) ?? 60;
    if (!str(b.ip) || !str(b.site) || !(minutes > 0 && minutes <= 7 * 24 * 60)) return problem(c, 400, 'validation', 'ip, site and minutes (1-10080) are required');
    const until = Date.now() + minutes * 60_000;
    await loop.pause(str(b.ip)!, str(b.site)!, until, str(b.reason) ?? 'paused by operator');
    await clusterSignalsFor(store)?.paused(loop.automation, str(b.ip)!, str(b.site)!, until);
    return c.json({ ip: b.ip, site: b.site, until: new Date(until).toISOString() });
  });
}

adminMounts.push((app, deps) => mountDeliveryAdmin(app, deps));

for (const [method, path, summary] of [
  ['get', '/v1/admin/ips', 'List egress IPs'],
  ['post', '/v1/admin/ips', 'Declare an egress IP (ip, helo, ptr, weight)'],
  ['get', '/v1/admin/ips/{id}', 'One egress IP, its pools and dns_check (forward-confirmed reverse DNS and HELO: verdict, warnings)'],
  ['patch', '/v1/admin/ips/{id}', 'Pause/resume an egress IP or change its weight'],
  ['get', '/v1/admin/pools', 'List pools with their IPs'],
  ['post', '/v1/admin/pools', 'Create a pool: shared (stream) or dedicated (tenant_id), optional ips'],
  ['get', '/v1/admin/pools/{id}', 'One pool'],
  ['post', '/v1/admin/pools/{id}/ips', 'Add egress IPs to a pool'],
  ['post', '/v1/admin/pools/{id}/assign', 'Assign a pool to a tenant (dedicated) or a stream (shared)'],
  ['get', '/v1/admin/routes', 'List static routes (transport map)'],
  ['post', '/v1/admin/routes', 'Route a domain (or *) to host:port'],
  ['delete', '/v1/admin/routes/{id}', 'Remove the static route of a domain'],
  ['get', '/v1/admin/queues', 'Queue counts, largest scheduled queues (tenant:campaign@domain), ready queues and open connections'],
  ['get', '/v1/admin/automation', 'Automation adjustments in force (suspensions, reduced rates or connections)'],
  ['post', '/v1/admin/queues/pause', 'Pause one ready queue (egress IP -> site) for some minutes'],
] as const) {
  documentRoute({ method, path, summary, security: admin });
}
