import type { Kysely } from 'kysely';

/** Per-tenant policy knobs: content-check thresholds per stream (null = platform default). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tenants').addColumn('content_threshold_transactional', 'real').execute();
  await db.schema.alterTable('tenants').addColumn('content_threshold_marketing', 'real').execute();
}
