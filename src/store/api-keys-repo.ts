// API keys: a public id (the Basic-auth user) and a secret stored only as a SHA-256 hash.
// Secrets are 192 random bits, so a fast hash is enough: there is nothing to brute-force.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import type { Store } from './database.ts';

export const SCOPES = ['send', 'read', 'manage'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKey {
  id: string;
  tenantId: number;
  name: string | null;
  scopes: Scope[];
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function parseScopes(s: string | string[]): Scope[] {
  const list = (Array.isArray(s) ? s : s.split(/[\s,]+/)).filter(Boolean);
  if (list.length === 0) throw new ValidationError('at least one scope is required (send, read, manage)');
  for (const x of list) if (!(SCOPES as readonly string[]).includes(x)) throw new ValidationError(`unknown scope "${x}" (known: ${SCOPES.join(', ')})`);
  return [...new Set(list)] as Scope[];
}

function toKey(r: any): ApiKey {
  return {
    id: r.id,
    tenantId: Number(r.tenant_id),
    name: r.name,
    scopes: String(r.scopes).split(',') as Scope[],
    createdAt: Number(r.created_at),
    expiresAt: r.expires_at === null ? null : Number(r.expires_at),
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
    lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
  };
}

export async function createApiKey(
  store: Store,
  tenantId: number,
  opts: { scopes?: Scope[]; name?: string; expiresAt?: number | null } = {},
): Promise<{ key: ApiKey; secret: string }> {
  const tenant = await store.db.selectFrom('tenants').select('id').where('id', '=', tenantId).executeTakeFirst();
  if (!tenant) throw new NotFoundError(`tenant ${tenantId}`);
  const id = randomBytes(16).toString('hex');
  const secret = randomBytes(24).toString('hex');
  const row = {
    id,
    tenant_id: tenantId,
    name: opts.name ?? null,
    secret_hash: hashSecret(secret),
    scopes: (opts.scopes ?? [...SCOPES]).join(','),
    created_at: Date.now(),
    expires_at: opts.expiresAt ?? null,
    revoked_at: null,
    last_used_at: null,
  };
  await store.db.insertInto('api_keys').values(row).execute();
  return { key: toKey(row), secret };
}

export type KeyCheck =
  | { ok: true; key: ApiKey }
  | { ok: false; reason: 'unknown' | 'wrong-secret' | 'revoked' | 'expired' };

export async function verifyApiKey(store: Store, id: string, secret: string, now = Date.now()): Promise<KeyCheck> {
  const r = await store.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) return { ok: false, reason: 'unknown' };
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(r.secret_hash, 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: 'wrong-secret' };
  const key = toKey(r);
  if (key.revokedAt !== null) return { ok: false, reason: 'revoked' };
  if (key.expiresAt !== null && key.expiresAt <= now) return { ok: false, reason: 'expired' };
  return { ok: true, key };
}

export async function revokeApiKey(store: Store, id: string): Promise<ApiKey> {
  const r = await store.db.updateTable('api_keys').set({ revoked_at: Date.now() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  const row = await store.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError(`API key ${id}`);
  void r;
  return toKey(row);
}

export async function listApiKeys(store: Store, tenantId: number): Promise<ApiKey[]> {
  return (await store.db.selectFrom('api_keys').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').execute()).map(toKey);
}
