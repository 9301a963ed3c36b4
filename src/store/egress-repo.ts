// Egress IPs, pools and static routes: the operator's sending topology. The delivery loop
// reads it as one snapshot (loadTopology) and refreshes it now and then.
import { isIP } from 'node:net';
import { STREAMS } from '../core/events.ts';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import type { Store } from './database.ts';

export interface EgressIp {
  ip: string;
  helo: string;
  ptr: string | null;
  weight: number;
  status: 'active' | 'paused';
  createdAt: number;
}

export interface Pool {
  name: string;
  kind: 'shared' | 'dedicated';
  /** shared pools: the stream they serve, null = both */
  stream: string | null;
  /** dedicated pools: the tenant they belong to */
  tenantId: number | null;
  ips: string[];
  createdAt: number;
}

export interface Route {
  domain: string;
  target: string;
  createdAt: number;
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const POOL_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/i;

function toIp(r: { ip: string; helo: string; ptr: string | null; weight: number; status: string; created_at: number }): EgressIp {
  return { ip: r.ip, helo: r.helo, ptr: r.ptr, weight: Number(r.weight), status: r.status as EgressIp['status'], createdAt: Number(r.created_at) };
}

export async function addEgressIp(store: Store, input: { ip: string; helo: string; ptr?: string | null; weight?: number }): Promise<EgressIp> {
  if (!isIP(input.ip)) throw new ValidationError(`"${input.ip}" is not an IP address`);
  if (!HOSTNAME.test(input.helo) || !input.helo.includes('.')) throw new ValidationError(`HELO name "${input.helo}" must be a fully qualified host name`);
  if (input.ptr != null && !HOSTNAME.test(input.ptr)) throw new ValidationError(`PTR "${input.ptr}" is not a host name`);
  const weight = input.weight ?? 1;
  if (!(Number.isFinite(weight) && weight >= 0)) throw new ValidationError('weight must be a number >= 0');
  if (await findEgressIp(store, input.ip)) throw new ValidationError(`egress IP ${input.ip} already exists`);
  const row = { ip: input.ip, helo: input.helo.toLowerCase(), ptr: input.ptr?.toLowerCase() ?? null, weight, status: 'active', created_at: Date.now() };
  await store.db.insertInto('egress_ips').values(row).execute();
  return toIp(row);
}

export async function findEgressIp(store: Store, ip: string): Promise<EgressIp | undefined> {
  const r = await store.db.selectFrom('egress_ips').selectAll().where('ip', '=', ip).executeTakeFirst();
  return r ? toIp(r) : undefined;
}

export async function listEgressIps(store: Store): Promise<EgressIp[]> {
  return (await store.db.selectFrom('egress_ips').selectAll().orderBy('ip').execute()).map(toIp);
}

export async function updateEgressIp(store: Store, ip: string, patch: { status?: 'active' | 'paused'; weight?: number; helo?: string }): Promise<EgressIp> {
  if (patch.status !== undefined && patch.status !== 'active' && patch.status !== 'paused') throw new ValidationError('status must be active or paused');
  if (patch.weight !== undefined && !(Number.isFinite(patch.weight) && patch.weight >= 0)) throw new ValidationError('weight must be a number >= 0');
  if (patch.helo !== undefined && !HOSTNAME.test(patch.helo)) throw new ValidationError('helo must be a host name');
  const r = await store.db.updateTable('egress_ips').set(patch).where('ip', '=', ip).executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw new NotFoundError(`egress IP ${ip}`);
  return (await findEgressIp(store, ip))!;
}

export async function createPool(store: Store, input: { name: string; stream?: string | null; tenantId?: number | null }): Promise<Pool> {
  if (!POOL_NAME.test(input.name)) throw new ValidationError('pool name: letters, digits, dot, dash, underscore (max 63)');
  const dedicated = input.tenantId != null;
  if (dedicated && input.stream != null) throw new ValidationError('a dedicated pool belongs to a tenant and serves all its streams: give a tenant or a stream, not both');
  if (input.stream != null && !(STREAMS as readonly string[]).includes(input.stream)) throw new ValidationError(`stream must be one of ${STREAMS.join(', ')}`);
  if (dedicated) {
    const t = await store.db.selectFrom('tenants').select('id').where('id', '=', input.tenantId!).executeTakeFirst();
    if (!t) throw new NotFoundError(`tenant ${input.tenantId}`);
  }
  if (await store.db.selectFrom('pools').select('name').where('name', '=', input.name).executeTakeFirst()) throw new ValidationError(`pool ${input.name} already exists`);
  const row = { name: input.name, kind: dedicated ? 'dedicated' : 'shared', stream: input.stream ?? null, tenant_id: input.tenantId ?? null, created_at: Date.now() };
  await store.db.insertInto('pools').values(row).execute();
  return { name: row.name, kind: row.kind as Pool['kind'], stream: row.stream, tenantId: row.tenant_id, ips: [], createdAt: row.created_at };
}

export async function listPools(store: Store): Promise<Pool[]> {
  const pools = await store.db.selectFrom('pools').selectAll().orderBy('name').execute();
  const members = await store.db.selectFrom('pool_members').selectAll().orderBy('ip').execute();
  return pools.map((p) => ({
    name: p.name,
    kind: p.kind as Pool['kind'],
    stream: p.stream,
    tenantId: p.tenant_id === null ? null : Number(p.tenant_id),
    ips: members.filter((m) => m.pool === p.name).map((m) => m.ip),
    createdAt: Number(p.created_at),
  }));
}

export async function getPool(store: Store, name: string): Promise<Pool> {
  const p = (await listPools(store)).find((x) => x.name === name);
  if (!p) throw new NotFoundError(`pool ${name}`);
  return p;
}

/** Adds egress IPs to a pool. An IP in a dedicated pool may be in no other pool: a tenant's own IPs carry only its reputation. */
export async function addPoolMembers(store: Store, pool: string, ips: string[]): Promise<Pool> {
  const p = await getPool(store, pool);
  const all = await listPools(store);
  for (const ip of ips) {
    if (!(await findEgressIp(store, ip))) throw new NotFoundError(`egress IP ${ip}`);
    if (p.ips.includes(ip)) continue;
    const others = all.filter((o) => o.name !== pool && o.ips.includes(ip));
    if (others.length > 0 && (p.kind === 'dedicated' || others.some((o) => o.kind === 'dedicated'))) {
      throw new ValidationError(`egress IP ${ip} is already in pool ${others[0].name}; an IP of a dedicated pool cannot be shared`);
    }
    await store.db.insertInto('pool_members').values({ pool, ip }).execute();
  }
  return getPool(store, pool);
}

export async function removePoolMember(store: Store, pool: string, ip: string): Promise<Pool> {
  await store.db.deleteFrom('pool_members').where('pool', '=', pool).where('ip', '=', ip).execute();
  return getPool(store, pool);
}

/** Re-points a pool: to a tenant (dedicated) or to a stream (shared; null = both streams). */
export async function assignPool(store: Store, pool: string, to: { tenantId: number } | { stream: string | null }): Promise<Pool> {
  await getPool(store, pool);
  if ('tenantId' in to) {
    const t = await store.db.selectFrom('tenants').select('id').where('id', '=', to.tenantId).executeTakeFirst();
    if (!t) throw new NotFoundError(`tenant ${to.tenantId}`);
    await store.db.updateTable('pools').set({ kind: 'dedicated', tenant_id: to.tenantId, stream: null }).where('name', '=', pool).execute();
  } else {
    if (to.stream !== null && !(STREAMS as readonly string[]).includes(to.stream)) throw new ValidationError(`stream must be one of ${STREAMS.join(', ')}`);
    await store.db.updateTable('pools').set({ kind: 'shared', tenant_id: null, stream: to.stream }).where('name', '=', pool).execute();
  }
  return getPool(store, pool);
}

/** "host:port" with a port; the host may be a name, an IPv4 address or [IPv6]. */
export function parseRouteTarget(target: string): { host: string; port: number } {
  const m = /^(\[[0-9a-f:.]+\]|[^:\s[\]]+):(\d{1,5})$/i.exec(target.trim());
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65535) throw new ValidationError(`route target "${target}" must be host:port`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

export function normalizeRouteDomain(domain: string): string {
  const d = domain.trim().toLowerCase().replace(/\.$/, '');
  if (d !== '*' && !HOSTNAME.test(d)) throw new ValidationError(`route domain "${domain}" must be a domain name or *`);
  return d;
}

export async function addRoute(store: Store, domain: string, target: string): Promise<Route> {
  const d = normalizeRouteDomain(domain);
  parseRouteTarget(target);
  const row = { domain: d, target: target.trim(), created_at: Date.now() };
  await store.db.deleteFrom('routes').where('domain', '=', d).execute();
  await store.db.insertInto('routes').values(row).execute();
  return { domain: row.domain, target: row.target, createdAt: row.created_at };
}

export async function listRoutes(store: Store): Promise<Route[]> {
  return (await store.db.selectFrom('routes').selectAll().orderBy('domain').execute()).map((r) => ({ domain: r.domain, target: r.target, createdAt: Number(r.created_at) }));
}

export async function removeRoute(store: Store, domain: string): Promise<void> {
  const r = await store.db.deleteFrom('routes').where('domain', '=', normalizeRouteDomain(domain)).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) throw new NotFoundError(`route for ${domain}`);
}

export interface Topology {
  ips: EgressIp[];
  pools: Pool[];
  routes: Route[];
  /** tenants whose mail is held (status suspended) */
  suspendedTenants: number[];
}

export async function loadTopology(store: Store): Promise<Topology> {
  const [ips, pools, routes, suspended] = await Promise.all([
    listEgressIps(store),
    listPools(store),
    listRoutes(store),
    store.db.selectFrom('tenants').select('id').where('status', '=', 'suspended').execute(),
  ]);
  return { ips, pools, routes, suspendedTenants: suspended.map((t) => Number(t.id)) };
}
