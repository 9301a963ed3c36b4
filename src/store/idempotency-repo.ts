// Idempotency-Key: the first answer for (tenant, key) is stored with a hash of the body;
// a replay with the same body gets that answer, a different body is a conflict.
import type { Store } from './database.ts';

export interface StoredAnswer {
  bodyHash: string;
  status: number;
  response: string;
}

export async function findIdempotentAnswer(store: Store, tenantId: number, key: string): Promise<StoredAnswer | undefined> {
  const r = await store.db.selectFrom('idempotency_keys').selectAll().where('tenant_id', '=', tenantId).where('key', '=', key).executeTakeFirst();
  return r ? { bodyHash: r.body_hash, status: Number(r.status), response: r.response } : undefined;
}

/** Returns false when another request stored an answer for this key first. */
export async function storeIdempotentAnswer(store: Store, tenantId: number, key: string, a: StoredAnswer): Promise<boolean> {
  try {
    await store.db
      .insertInto('idempotency_keys')
      .values({ tenant_id: tenantId, key, body_hash: a.bodyHash, status: a.status, response: a.response, created_at: Date.now() })
      .execute();
    return true;
  } catch {
    return false;
  }
}
