// Runs a test body against every database dialect: SQLite always, PostgreSQL when
// RELAIS_TEST_PG_URL points at a server (.ci/run starts one). Each run gets a fresh,
// migrated store: a temp SQLite file, or a throwaway PostgreSQL schema.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/database.ts';
import { migrate } from '../../src/store/migrate.ts';

export const PG_URL = process.env.RELAIS_TEST_PG_URL;
export const PG_SKIP_REASON = 'PostgreSQL not available: set RELAIS_TEST_PG_URL (npm test via .ci/run starts one)';

export interface TestStore {
  store: Store;
  dispose(): Promise<void>;
}

export async function freshSqlite(): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), 'relais-test-'));
  const store = await openStore(`sqlite:${join(dir, 'test.db')}`);
  await migrate(store);
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function freshPostgres(): Promise<TestStore> {
  if (!PG_URL) throw new Error(PG_SKIP_REASON);
  const schema = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const sep = PG_URL.includes('?') ? '&' : '?';
  const store = await openStore(`${PG_URL}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`);
  await migrate(store);
  return {
    store,
    dispose: async () => {
      await store.close();
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}

export const DIALECTS = ['sqlite', 'postgres'] as const;

/** Declares `title [sqlite]` and `title [postgres]`; the latter skips with a reason when no server. */
export function testEachDialect(title: string, fn: (store: Store, t: TestContext) => Promise<void>): void {
  for (const d of DIALECTS) {
    test(`${title} [${d}]`, async (t) => {
      if (d === 'postgres' && !PG_URL) {
        t.skip(PG_SKIP_REASON);
        return;
      }
      const ts = d === 'sqlite' ? await freshSqlite() : await freshPostgres();
      try {
        await fn(ts.store, t);
      } finally {
        await ts.dispose();
      }
    });
  }
}
