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
