import { NotFoundError, ValidationError } from '../core/errors.ts';
import { nextId } from '../core/ids.ts';
import type { Store } from './database.ts';

export interface Tenant {
  id: number;
  name: string;
  status: 'active' | 'suspended';
  statusReason: string | null;
  createdAt: number;
}

function toTenant(r: { id: number; name: string; status: string; status_reason: string | null; created_at: number }): Tenant {
  return { id: Number(r.id), name: r.name, status: r.status as Tenant['status'], statusReason: r.status_reason, createdAt: Number(r.created_at) };
}

export async function createTenant(store: Store, name: string): Promise<Tenant> {
  const clean = name.trim();
  if (!clean || clean.length > 200 || /[\r\n\0]/.test(clean)) throw new ValidationError('tenant name must be 1-200 characters on one line');
  const row = { id: nextId(), name: clean, status: 'active', status_reason: null, created_at: Date.now() };
  await store.db.insertInto('tenants').values(row).execute();
  return toTenant(row);
}

export async function findTenant(store: Store, id: number): Promise<Tenant | undefined> {
  const r = await store.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toTenant(r) : undefined;
}

export async function getTenant(store: Store, id: number): Promise<Tenant> {
  const t = await findTenant(store, id);
  if (!t) throw new NotFoundError(`tenant ${id}`);
  return t;
}

export async function listTenants(store: Store): Promise<Tenant[]> {
  return (await store.db.selectFrom('tenants').selectAll().orderBy('id').execute()).map(toTenant);
}

export async function setTenantStatus(store: Store, id: number, status: Tenant['status'], reason: string | null): Promise<Tenant> {
  const r = await store.db.updateTable('tenants').set({ status, status_reason: reason }).where('id', '=', id).executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw new NotFoundError(`tenant ${id}`);
  return getTenant(store, id);
}

export interface ContentThresholds {
  transactional: number | null;
  marketing: number | null;
}

export async function getContentThresholds(store: Store, tenantId: number): Promise<ContentThresholds> {
  const r = await store.db
    .selectFrom('tenants')
    .select(['content_threshold_transactional', 'content_threshold_marketing'])
    .where('id', '=', tenantId)
    .executeTakeFirst();
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return { transactional: num(r?.content_threshold_transactional), marketing: num(r?.content_threshold_marketing) };
}

export async function setContentThresholds(store: Store, tenantId: number, t: Partial<ContentThresholds>): Promise<ContentThresholds> {
  for (const [k, v] of Object.entries(t)) {
    if (v !== null && v !== undefined && (!Number.isFinite(v) || v < 0 || v > 100)) throw new ValidationError(`${k} threshold must be a number between 0 and 100, or null`);
  }
  const set: Record<string, number | null> = {};
  if (t.transactional !== undefined) set.content_threshold_transactional = t.transactional;
  if (t.marketing !== undefined) set.content_threshold_marketing = t.marketing;
  if (Object.keys(set).length > 0) {
    const r = await store.db.updateTable('tenants').set(set).where('id', '=', tenantId).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw new NotFoundError(`tenant ${tenantId}`);
  }
  return getContentThresholds(store, tenantId);
}
