import { type Kysely, sql } from 'kysely';

/**
 * Bodies a SQLite node keeps in append-only files beside the database (store/body-files.ts):
 * the row holds the file and offset instead of the bytes. The partial index finds the rows
 * of one file when it is swept.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('bodies').addColumn('file', 'text').execute();
  await db.schema.alterTable('bodies').addColumn('file_offset', 'bigint').execute();
  await sql`create index bodies_file on bodies (file) where file is not null`.execute(db);
}
