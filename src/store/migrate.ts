// Runs the migrations in src/store/migrations in order, once each, recorded in
// relais_migrations. One set serves both dialects; a migration receives the dialect
// name for the few types that differ (blob vs bytea).
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Kysely, sql } from 'kysely';
import type { DialectName, Store } from './database.ts';

interface Migration {
  up: (db: Kysely<any>, dialect: DialectName) => Promise<void>;
}

export async function migrate(store: Store): Promise<string[]> {
  const db = store.db as unknown as Kysely<any>;
  await db.schema
    .createTable('relais_migrations')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('applied_at', 'bigint', (c) => c.notNull())
    .execute();
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
  const files = readdirSync(dir).filter((f) => /^\d{4}-.*\.ts$/.test(f) && !f.endsWith('.test.ts')).sort();
  const done = new Set((await db.selectFrom('relais_migrations').select('name').execute()).map((r) => r.name as string));
  const applied: string[] = [];
  for (const f of files) {
    const name = f.replace(/\.ts$/, '');
    if (done.has(name)) continue;
    const m = (await import(pathToFileURL(join(dir, f)).href)) as Migration;
    await db.transaction().execute(async (trx) => {
      if (store.dialect === 'postgres') await sql`select pg_advisory_xact_lock(4242)`.execute(trx);
      const again = await trx.selectFrom('relais_migrations').select('name').where('name', '=', name).executeTakeFirst();
      if (again) return; // another node applied it while we waited for the lock
      await m.up(trx, store.dialect);
      await trx.insertInto('relais_migrations').values({ name, applied_at: Date.now() }).execute();
      applied.push(name);
    });
  }
  return applied;
}
