// Sending domains and their DKIM keys (docs/domains.md). A domain row is per tenant; the
// `claim` column holds the ASCII name only while the row is verified, and its unique index
// lets the database itself refuse a second tenant verifying the same domain.
import type { Kysely } from 'kysely';
import type { DialectName } from '../database.ts';

export async function up(db: Kysely<any>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('domains')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('tenant_id', 'bigint', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull()) // ASCII (punycode) form
    .addColumn('unicode_name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // pending | verified | failed | unknown
    // when sending from it became allowed (null: not allowed); survives temporary DNS errors
    .addColumn('verified_at', 'bigint')
    .addColumn('hand_verified', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('claim', 'text')
    .addColumn('last_check', 'text') // JSON DomainCheckResult
    .addColumn('checked_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('domains_tenant_name').unique().on('domains').columns(['tenant_id', 'name']).execute();
  await db.schema.createIndex('domains_claim').unique().on('domains').column('claim').execute();
  await db.schema.createIndex('domains_name').on('domains').column('name').execute();

  await db.schema
    .createTable('dkim_keys')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('domain_id', 'bigint', (c) => c.notNull())
    .addColumn('domain', 'text', (c) => c.notNull()) // ASCII name, for selector uniqueness across tenants
    .addColumn('selector', 'text', (c) => c.notNull())
    .addColumn('algorithm', 'text', (c) => c.notNull()) // rsa-sha256 | ed25519-sha256
    .addColumn('private_key', 'text', (c) => c.notNull()) // sealed with the master key
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull()) // pending | active | retiring | retired
    .addColumn('in_dns', 'text', (c) => c.notNull().defaultTo('unknown')) // yes | no | unknown
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('activated_at', 'bigint')
    .addColumn('retiring_since', 'bigint')
    .addColumn('checked_at', 'bigint')
    .execute();
  await db.schema.createIndex('dkim_keys_selector').unique().on('dkim_keys').columns(['domain', 'selector']).execute();
  await db.schema.createIndex('dkim_keys_domain_id').on('dkim_keys').column('domain_id').execute();
}
