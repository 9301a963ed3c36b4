// Suppression lists: addresses a tenant must not mail, tenant-wide or for one stream or
// list. Every query names the tenant. Addresses are stored lower-cased: receivers treat
// local parts case-insensitively in practice, and a list that missed `Bob@` for `bob@`
// would be worse than one that over-suppresses.
import { sql } from 'kysely';
import { ValidationError } from '../core/errors.ts';
import { nextId } from '../core/ids.ts';
import type { Store } from './database.ts';
import type { SuppressionsTable } from './schema.ts';

export const SUPPRESSION_SCOPES = ['tenant', 'stream', 'list'] as const;
export type SuppressionScope = (typeof SUPPRESSION_SCOPES)[number];
export const SUPPRESSION_REASONS = ['hard_bounce', 'complaint', 'unsubscribe', 'manual', 'invalid'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];
export const SUPPRESSION_ORIGINS = ['recipient', 'tenant', 'operator', 'system'] as const;
export type SuppressionOrigin = (typeof SUPPRESSION_ORIGINS)[number];

export interface Suppression {
  id: number;
  tenantId: number;
  address: string;
  scope: SuppressionScope;
  /** '' for tenant-wide, else the stream name or list id */
  scopeValue: string;
  reason: SuppressionReason;
  origin: SuppressionOrigin;
  detail: string | null;
  messageId: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface SuppressionInput {
  address: string;
  scope?: SuppressionScope;
  scopeValue?: string;
  reason: SuppressionReason;
  origin: SuppressionOrigin;
  detail?: string | null;
  messageId?: number | null;
}

const ADDRESS = /^[^\s@<>,;"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$/;

export function normaliseAddress(a: string): string {
  return a.trim().replace(/^<|>$/g, '').toLowerCase();
}

/** Checks and normalises one entry; throws ValidationError naming the bad field. */
export function validateSuppression(i: SuppressionInput): Required<SuppressionInput> & { scope: SuppressionScope; scopeValue: string } {
  const address = normaliseAddress(String(i.address ?? ''));
  if (!ADDRESS.test(address) || address.length > 254) throw new ValidationError(`"${String(i.address).slice(0, 100)}" is not an email address`);
  const scope = i.scope ?? 'tenant';
  if (!SUPPRESSION_SCOPES.includes(scope)) throw new ValidationError(`scope must be one of ${SUPPRESSION_SCOPES.join(', ')}`);
  let scopeValue = (i.scopeValue ?? '').trim();
  if (scope === 'tenant') {
    if (scopeValue) throw new ValidationError('a tenant-wide suppression takes no scope value');
  } else if (scope === 'stream') {
    if (scopeValue !== 'transactional' && scopeValue !== 'marketing') throw new ValidationError('a stream suppression needs scope value transactional or marketing');
  } else if (!/^[A-Za-z0-9._:-]{1,100}$/.test(scopeValue)) throw new ValidationError('a list suppression needs a list id (letters, digits, . _ : -, at most 100)');
  if (!SUPPRESSION_REASONS.includes(i.reason)) throw new ValidationError(`reason must be one of ${SUPPRESSION_REASONS.join(', ')}`);
  if (!SUPPRESSION_ORIGINS.includes(i.origin)) throw new ValidationError(`origin must be one of ${SUPPRESSION_ORIGINS.join(', ')}`);
  if (scope === 'tenant') scopeValue = '';
  return { address, scope, scopeValue, reason: i.reason, origin: i.origin, detail: i.detail ? String(i.detail).slice(0, 1000) : null, messageId: i.messageId ?? null };
}

export function toSuppression(r: SuppressionsTable): Suppression {
  return {
    id: Number(r.id),
    tenantId: Number(r.tenant_id),
    address: r.address,
    scope: r.scope as SuppressionScope,
    scopeValue: r.scope_value,
    reason: r.reason as SuppressionReason,
    origin: r.origin as SuppressionOrigin,
    detail: r.detail,
    messageId: r.message_id === null ? null : Number(r.message_id),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

/**
 * Adds entries; an entry that already exists (same address and scope) is kept as it is,
 * with its first reason and origin, so a later manual add never hides a complaint.
 * Returns the stored entries and how many were new.
 */
export async function addSuppressions(store: Store, tenantId: number, inputs: SuppressionInput[], now = Date.now()): Promise<{ added: number; entries: Suppression[] }> {
  const rows = inputs.map((i) => validateSuppression(i));
  let added = 0;
  const entries: Suppression[] = [];
  await store.db.transaction().execute(async (trx) => {
    for (let k = 0; k < rows.length; k += 200) {
      const chunk = rows.slice(k, k + 200);
      const values: SuppressionsTable[] = chunk.map((r) => ({
        id: nextId(),
        tenant_id: tenantId,
        address: r.address,
        scope: r.scope,
        scope_value: r.scopeValue,
        reason: r.reason,
        origin: r.origin,
        detail: r.detail,
        message_id: r.messageId,
        created_at: now,
        updated_at: now,
      }));
      const res = await trx
        .insertInto('suppressions')
        .values(values)
        .onConflict((oc) => oc.columns(['tenant_id', 'address', 'scope', 'scope_value']).doNothing())
        .executeTakeFirst();
      added += Number(res.numInsertedOrUpdatedRows ?? 0);
      const stored = await trx
        .selectFrom('suppressions')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('address', 'in', [...new Set(chunk.map((r) => r.address))])
        .execute();
      for (const r of chunk) {
        const hit = stored.find((s) => s.address === r.address && s.scope === r.scope && s.scope_value === r.scopeValue);
        if (hit) entries.push(toSuppression(hit));
      }
    }
  });
  return { added, entries };
}

export async function addSuppression(store: Store, tenantId: number, input: SuppressionInput, now = Date.now()): Promise<{ created: boolean; entry: Suppression }> {
  const r = await addSuppressions(store, tenantId, [input], now);
  return { created: r.added === 1, entry: r.entries[0] };
}

/** Removes the address's entries (all of them, or the one scope given). Returns how many. */
export async function removeSuppression(store: Store, tenantId: number, address: string, scope?: { scope: SuppressionScope; scopeValue?: string }): Promise<number> {
  let q = store.db.deleteFrom('suppressions').where('tenant_id', '=', tenantId).where('address', '=', normaliseAddress(address));
  if (scope) q = q.where('scope', '=', scope.scope).where('scope_value', '=', scope.scope === 'tenant' ? '' : (scope.scopeValue ?? ''));
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function removeSuppressionById(store: Store, tenantId: number, id: number): Promise<boolean> {
  const r = await store.db.deleteFrom('suppressions').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export interface SuppressionFilter {
  address?: string;
  /** substring of the address (e.g. a domain) */
  contains?: string;
  scope?: SuppressionScope;
  scopeValue?: string;
  reason?: SuppressionReason;
  origin?: SuppressionOrigin;
  since?: number;
  until?: number;
  /** entries with id greater than this (paging cursor) */
  after?: number;
  limit?: number;
}

export async function listSuppressions(store: Store, tenantId: number, f: SuppressionFilter = {}): Promise<Suppression[]> {
  let q = store.db.selectFrom('suppressions').selectAll().where('tenant_id', '=', tenantId);
  if (f.address !== undefined) q = q.where('address', '=', normaliseAddress(f.address));
  if (f.contains !== undefined) q = q.where('address', 'like', `%${f.contains.toLowerCase().replace(/[%_\\]/g, '')}%`);
  if (f.scope !== undefined) q = q.where('scope', '=', f.scope);
  if (f.scopeValue !== undefined) q = q.where('scope_value', '=', f.scopeValue);
  if (f.reason !== undefined) q = q.where('reason', '=', f.reason);
  if (f.origin !== undefined) q = q.where('origin', '=', f.origin);
  if (f.since !== undefined) q = q.where('created_at', '>=', f.since);
  if (f.until !== undefined) q = q.where('created_at', '<', f.until);
  if (f.after !== undefined) q = q.where('id', '>', f.after);
  const rows = await q.orderBy('id').limit(Math.min(f.limit ?? 100, 10000)).execute();
  return rows.map(toSuppression);
}

/**
 * The entry that stops this tenant mailing this address on this stream (and list), if
 * any: a tenant-wide entry first, then the stream's, then the list's. A marketing-only
 * entry therefore never stops transactional mail.
 */
export async function findBlockingSuppression(store: Store, tenantId: number, address: string, stream: string, list?: string): Promise<Suppression | undefined> {
  const rows = await store.db
    .selectFrom('suppressions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('address', '=', normaliseAddress(address))
    .execute();
  const rank = (r: SuppressionsTable) => (r.scope === 'tenant' ? 0 : r.scope === 'stream' && r.scope_value === stream ? 1 : r.scope === 'list' && list !== undefined && r.scope_value === list ? 2 : -1);
  const hit = rows.filter((r) => rank(r) >= 0).sort((a, b) => rank(a) - rank(b))[0];
  return hit ? toSuppression(hit) : undefined;
}

export async function countSuppressions(store: Store, tenantId: number): Promise<number> {
  const r = await store.db.selectFrom('suppressions').select((eb) => eb.fn.countAll().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * The blocking suppression of each address that has one (same precedence as
 * findBlockingSuppression), in one query: intake checks a whole batch of recipients at once.
 */
export async function findBlockingSuppressions(store: Store, tenantId: number, addresses: string[], stream: string): Promise<Map<string, Suppression>> {
  const out = new Map<string, Suppression>();
  if (addresses.length === 0) return out;
  const byNorm = new Map<string, string[]>();
  for (const a of addresses) {
    const n = normaliseAddress(a);
    byNorm.set(n, [...(byNorm.get(n) ?? []), a]);
  }
  const norms = [...byNorm.keys()];
  const rows: SuppressionsTable[] = [];
  for (let i = 0; i < norms.length; i += 500) {
    // Written as SQL text rather than with the query builder: this runs for every message
    // accepted, and building and compiling the query cost more than running it.
    const chunk = norms.slice(i, i + 500);
    const q = sql<SuppressionsTable>`select * from suppressions where tenant_id = ${tenantId} and address in (${sql.join(chunk)})`;
    rows.push(...(await q.execute(store.db)).rows);
  }
  const rank = (r: SuppressionsTable) => (r.scope === 'tenant' ? 0 : r.scope === 'stream' && r.scope_value === stream ? 1 : -1);
  const best = new Map<string, SuppressionsTable>();
  for (const r of rows) {
    if (rank(r) < 0) continue;
    const cur = best.get(r.address);
    if (!cur || rank(r) < rank(cur)) best.set(r.address, r);
  }
  for (const [norm, r] of best) for (const a of byNorm.get(norm) ?? []) out.set(a, toSuppression(r));
  return out;
}
