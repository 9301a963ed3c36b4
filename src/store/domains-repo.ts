// Sending domains and DKIM keys. Every tenant-facing query names the tenant. A domain may
// be added by several tenants while unverified (whoever publishes their own key proves
// control), but only one row per name can be verified: the `claim` column holds the name
// while verified and carries a unique index, so the database refuses a second claim even
// when two checks race.
import type { DkimAlgorithm } from '../auth/dkim-keys.ts';
import type { DkimKeyState } from '../auth/dkim-rotation.ts';
import { RelaisError } from '../core/errors.ts';
import { nextId } from '../core/ids.ts';
import type { Store } from './database.ts';
import type { DkimKeysTable, DomainsTable } from './schema.ts';

export type DomainState = 'pending' | 'verified' | 'failed' | 'unknown';

export interface DomainRow {
  id: number;
  tenantId: number;
  name: string;
  unicodeName: string;
  status: DomainState;
  verifiedAt: number | null;
  handVerified: boolean;
  /** The latest check result as stored (JSON), or null before the first check. */
  lastCheck: string | null;
  checkedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface DkimKeyRow {
  id: number;
  domainId: number;
  domain: string;
  selector: string;
  algorithm: DkimAlgorithm;
  /** Sealed with the master key (core/secret-box.ts, purpose "dkim"). */
  privateKeySealed: string;
  publicKey: string;
  state: DkimKeyState;
  inDns: boolean | 'unknown';
  createdAt: number;
  activatedAt: number | null;
  retiringSince: number | null;
  checkedAt: number | null;
}

export interface NewDkimKey {
  selector: string;
  algorithm: DkimAlgorithm;
  privateKeySealed: string;
  publicKey: string;
}

export class ConflictError extends RelaisError {
  constructor(message: string) {
    super('conflict', message, 409);
    this.name = 'ConflictError';
  }
}

function domainRow(r: DomainsTable): DomainRow {
  return {
    id: Number(r.id),
    tenantId: Number(r.tenant_id),
    name: r.name,
    unicodeName: r.unicode_name,
    status: r.status as DomainState,
    verifiedAt: r.verified_at === null ? null : Number(r.verified_at),
    handVerified: Number(r.hand_verified) === 1,
    lastCheck: r.last_check,
    checkedAt: r.checked_at === null ? null : Number(r.checked_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function keyRow(r: DkimKeysTable): DkimKeyRow {
  return {
    id: Number(r.id),
    domainId: Number(r.domain_id),
    domain: r.domain,
    selector: r.selector,
    algorithm: r.algorithm as DkimAlgorithm,
    privateKeySealed: r.private_key,
    publicKey: r.public_key,
    state: r.state as DkimKeyState,
    inDns: r.in_dns === 'yes' ? true : r.in_dns === 'no' ? false : 'unknown',
    createdAt: Number(r.created_at),
    activatedAt: r.activated_at === null ? null : Number(r.activated_at),
    retiringSince: r.retiring_since === null ? null : Number(r.retiring_since),
    checkedAt: r.checked_at === null ? null : Number(r.checked_at),
  };
}

const inDnsText = (v: boolean | 'unknown') => (v === true ? 'yes' : v === false ? 'no' : 'unknown');

export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '23505' || /UNIQUE constraint failed/i.test(e?.message ?? '');
}

/** The tenant (if any) whose row for this name is verified, by hand or by check. */
export async function verifiedOwner(store: Store, name: string): Promise<DomainRow | undefined> {
  const r = await store.db
    .selectFrom('domains')
    .selectAll()
    .where('name', '=', name)
    .where((eb) => eb.or([eb('claim', '=', name), eb('hand_verified', '=', 1)]))
    .executeTakeFirst();
  return r ? domainRow(r) : undefined;
}

const takenMessage = (name: string) =>
  `${name} is already verified by another account. A domain can send for one account only; if you control its DNS and believe this is wrong, contact the operator.`;

/** Adds a domain with its first DKIM key (state pending until found in DNS). */
export async function insertDomain(
  store: Store,
  input: { tenantId: number; name: string; unicodeName: string; now: number },
  key: NewDkimKey,
): Promise<{ domain: DomainRow; key: DkimKeyRow }> {
  const owner = await verifiedOwner(store, input.name);
  if (owner && owner.tenantId !== input.tenantId) throw new ConflictError(takenMessage(input.name));
  const dup = await store.db.selectFrom('domains').select('id').where('tenant_id', '=', input.tenantId).where('name', '=', input.name).executeTakeFirst();
  if (dup) throw new ConflictError(`${input.name} is already added to your account (domain id ${dup.id}); check it with POST /v1/domains/${dup.id}/check.`);
  const id = nextId(input.now);
  try {
    return await store.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('domains')
        .values({
          id,
          tenant_id: input.tenantId,
          name: input.name,
          unicode_name: input.unicodeName,
          status: 'pending',
          verified_at: null,
          hand_verified: 0,
          claim: null,
          last_check: null,
          checked_at: null,
          created_at: input.now,
          updated_at: input.now,
        })
        .execute();
      const k = await insertKeyWith(trx as unknown as Store['db'], id, input.name, key, input.now);
      const d = await trx.selectFrom('domains').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      return { domain: domainRow(d), key: k };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError(`${input.name} is already added to your account.`);
    throw err;
  }
}

async function insertKeyWith(db: Store['db'], domainId: number, domain: string, key: NewDkimKey, now: number): Promise<DkimKeyRow> {
  const row: DkimKeysTable = {
    id: nextId(now),
    domain_id: domainId,
    domain,
    selector: key.selector,
    algorithm: key.algorithm,
    private_key: key.privateKeySealed,
    public_key: key.publicKey,
    state: 'pending',
    in_dns: 'unknown',
    created_at: now,
    activated_at: null,
    retiring_since: null,
    checked_at: null,
  };
  await db.insertInto('dkim_keys').values(row).execute();
  return keyRow(row);
}

export async function insertKey(store: Store, domainId: number, domain: string, key: NewDkimKey, now: number): Promise<DkimKeyRow> {
  return insertKeyWith(store.db, domainId, domain, key, now);
}

/** One domain; with a tenant id, only that tenant's (another tenant's is "not found"). */
export async function getDomainRow(store: Store, id: number, tenantId?: number): Promise<DomainRow | undefined> {
  let q = store.db.selectFrom('domains').selectAll().where('id', '=', id);
  if (tenantId !== undefined) q = q.where('tenant_id', '=', tenantId);
  const r = await q.executeTakeFirst();
  return r ? domainRow(r) : undefined;
}

export async function listDomainRows(store: Store, tenantId?: number): Promise<DomainRow[]> {
  let q = store.db.selectFrom('domains').selectAll();
  if (tenantId !== undefined) q = q.where('tenant_id', '=', tenantId);
  return (await q.orderBy('id').execute()).map(domainRow);
}

export async function listKeys(store: Store, domainId: number): Promise<DkimKeyRow[]> {
  return (await store.db.selectFrom('dkim_keys').selectAll().where('domain_id', '=', domainId).orderBy('id').execute()).map(keyRow);
}

/** Every selector ever used for this name, by any tenant (a new key must not reuse one). */
export async function selectorsForName(store: Store, name: string): Promise<string[]> {
  return (await store.db.selectFrom('dkim_keys').select('selector').where('domain', '=', name).execute()).map((r) => r.selector);
}

export async function updateKey(
  store: Store,
  id: number,
  patch: Partial<Pick<DkimKeyRow, 'state' | 'inDns' | 'activatedAt' | 'retiringSince' | 'checkedAt'>>,
): Promise<void> {
  const set: Partial<DkimKeysTable> = {};
  if (patch.state !== undefined) set.state = patch.state;
  if (patch.inDns !== undefined) set.in_dns = inDnsText(patch.inDns);
  if (patch.activatedAt !== undefined) set.activated_at = patch.activatedAt;
  if (patch.retiringSince !== undefined) set.retiring_since = patch.retiringSince;
  if (patch.checkedAt !== undefined) set.checked_at = patch.checkedAt;
  if (Object.keys(set).length > 0) await store.db.updateTable('dkim_keys').set(set).where('id', '=', id).execute();
}

/**
 * Stores a check's outcome. `allowed` true makes the row verified (claims the name; throws
 * ConflictError when another tenant holds it), false clears it, undefined keeps the
 * previous state (a temporary DNS error).
 */
export async function recordCheck(
  store: Store,
  d: DomainRow,
  input: { status: DomainState; allowed: boolean | undefined; lastCheck: string; now: number },
): Promise<DomainRow> {
  const set: Partial<DomainsTable> = { status: input.status, last_check: input.lastCheck, checked_at: input.now, updated_at: input.now };
  if (input.allowed === true) {
    const owner = await verifiedOwner(store, d.name);
    if (owner && owner.tenantId !== d.tenantId) throw new ConflictError(takenMessage(d.name));
    set.claim = d.name;
    set.verified_at = d.verifiedAt ?? input.now;
  } else if (input.allowed === false) {
    // A domain verified by hand keeps its claim: it may still send, so nobody else may take it.
    set.claim = d.handVerified ? d.name : null;
    set.verified_at = null;
  }
  try {
    await store.db.updateTable('domains').set(set).where('id', '=', d.id).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError(takenMessage(d.name));
    throw err;
  }
  return (await getDomainRow(store, d.id))!;
}

/** Operator override for development: verified without DNS, audit-logged in the same transaction. */
export async function markHandVerified(store: Store, d: DomainRow, actor: string, now: number, note?: string): Promise<DomainRow> {
  const owner = await verifiedOwner(store, d.name);
  if (owner && owner.tenantId !== d.tenantId) throw new ConflictError(takenMessage(d.name));
  try {
    await store.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('domains')
        .set({ hand_verified: 1, claim: d.name, status: 'verified', verified_at: d.verifiedAt ?? now, updated_at: now })
        .where('id', '=', d.id)
        .execute();
      await trx
        .insertInto('audit_log')
        .values({ actor, action: 'domain.verify-by-hand', subject: `domain:${d.id}`, data: JSON.stringify({ name: d.name, tenant_id: d.tenantId, previous_status: d.status, note: note ?? null }), created_at: now })
        .execute();
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError(takenMessage(d.name));
    throw err;
  }
  return (await getDomainRow(store, d.id))!;
}

export async function auditDomain(store: Store, actor: string, action: string, d: Pick<DomainRow, 'id' | 'name' | 'tenantId'>, data: Record<string, unknown>, now: number): Promise<void> {
  await store.db
    .insertInto('audit_log')
    .values({ actor, action, subject: `domain:${d.id}`, data: JSON.stringify({ name: d.name, tenant_id: d.tenantId, ...data }), created_at: now })
    .execute();
}

/** Whether the tenant may send with a From address at this (ASCII) domain. */
export async function sendingAllowed(store: Store, tenantId: number, name: string): Promise<{ allowed: boolean; domain?: DomainRow }> {
  const r = await store.db.selectFrom('domains').selectAll().where('tenant_id', '=', tenantId).where('name', '=', name).executeTakeFirst();
  if (!r) return { allowed: false };
  const d = domainRow(r);
  return { allowed: d.verifiedAt !== null || d.handVerified, domain: d };
}

/** Rows that hold a key allowed to sign (the signer cache reads these). */
export async function listSigningCandidates(store: Store): Promise<Array<{ domain: DomainRow; keys: DkimKeyRow[] }>> {
  const keys = (await store.db.selectFrom('dkim_keys').selectAll().where('state', '=', 'active').execute()).map(keyRow);
  if (keys.length === 0) return [];
  const ids = [...new Set(keys.map((k) => k.domainId))];
  const domains = (await store.db.selectFrom('domains').selectAll().where('id', 'in', ids).execute()).map(domainRow);
  return domains.map((d) => ({ domain: d, keys: keys.filter((k) => k.domainId === d.id) }));
}

/** Removes a domain and its keys (releasing its claim), audit-logged in the same transaction. */
export async function deleteDomain(store: Store, d: DomainRow, actor: string, now: number): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('dkim_keys').where('domain_id', '=', d.id).execute();
    await trx.deleteFrom('domains').where('id', '=', d.id).execute();
    await trx
      .insertInto('audit_log')
      .values({ actor, action: 'domain.remove', subject: `domain:${d.id}`, data: JSON.stringify({ name: d.name, tenant_id: d.tenantId, status: d.status }), created_at: now })
      .execute();
  });
}
