// Opens the store on either dialect. Everything above this file sees one Kysely<Schema>.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { ConfigError } from '../core/errors.ts';
import type { Schema } from './schema.ts';
import { checkpointerRunning } from './sqlite-checkpointer.ts';
import { adaptSqlite } from './sqlite-adapter.ts';

export type DialectName = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Schema>;
  dialect: DialectName;
  url: string;
  /** SQLite only: the database file */
  file?: string;
  close(): Promise<void>;
}

// int8 and numeric ids come back from pg as strings; ours stay below 2^53 (core/ids.ts).
pg.types.setTypeParser(20, (v) => Number(v));

export async function openStore(url: string): Promise<Store> {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    pool.on('error', () => {}); // idle-client errors surface on the next query instead
    try {
      const c = await pool.connect();
      c.release();
    } catch (err) {
      await pool.end();
      throw new ConfigError(`cannot connect to PostgreSQL at ${redact(url)}: ${(err as Error).message}`);
    }
    const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', url, close: () => db.destroy() };
  }
  let file: string;
  if (url.startsWith('sqlite:')) file = url.slice('sqlite:'.length);
  else if (url === ':memory:' || !url.includes('://')) file = url;
  else throw new ConfigError(`databaseUrl ${redact(url)}: use sqlite:/path/to/file.db or postgres://…`);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const raw = new DatabaseSync(file);
  // WAL with synchronous=FULL: a committed transaction is on disk (fsync'd WAL) before
  // commit returns, which is what lets the spool acknowledge a message.
  // 8 KiB pages for a new database (an existing one keeps its size): a 100 KB message body
  // kept in the database (a store without the spool's writer thread, or a body moved back
  // from its body file) is 13 pages to write into the WAL and read back instead of 25, while
  // a small row update writes twice the bytes of a 4 KiB page, not four times. With bodies
  // in body files, 4 KiB and 8 KiB pages relayed equally fast (measured).
  raw.exec('PRAGMA page_size=8192;');
  // journal_size_limit: after a burst the WAL file is cut back to 64 MB when it restarts.
  raw.exec('PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000; PRAGMA journal_size_limit=67108864;');
  // A running node checkpoints on a thread of its own (sqlite-checkpointer.ts).
  if (file !== ':memory:' && checkpointerRunning(file)) raw.exec('PRAGMA wal_autocheckpoint=0;');
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: adaptSqlite(raw) }) });
  return { db, dialect: 'sqlite', url, file, close: () => db.destroy() };
}

export function redact(url: string): string {
  return url.replace(/:\/\/([^:@/]+):[^@/]*@/, '://$1:***@');
}
