// Makes node:sqlite's DatabaseSync look like the better-sqlite3 subset Kysely's
// SqliteDialect uses, so the embedded default needs no native addon.
import type { DatabaseSync, StatementSync } from 'node:sqlite';

type Param = null | number | bigint | string | Uint8Array;

function toParam(v: unknown): Param {
  if (v === undefined || v === null) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' || v instanceof Uint8Array) return v;
  return JSON.stringify(v);
}

export function adaptSqlite(db: DatabaseSync) {
  // Prepared statements are cached per SQL text: Kysely prepares on every query, and
  // preparing costs more than running for the small statements of the hot path.
  const cache = new Map<string, { stmt: StatementSync; reader: boolean }>();
  const prepared = (sql: string) => {
    let hit = cache.get(sql);
    if (!hit) {
      const stmt = db.prepare(sql);
      hit = { stmt, reader: stmt.columns().length > 0 };
      if (cache.size > 2000) cache.clear();
      cache.set(sql, hit);
    }
    return hit;
  };
  return {
    close: () => db.close(),
    prepare(sql: string) {
      const { stmt, reader } = prepared(sql);
      return {
        reader,
        all: (params: ReadonlyArray<unknown>) => stmt.all(...params.map(toParam)) as unknown[],
        run: (params: ReadonlyArray<unknown>) => {
          const r = stmt.run(...params.map(toParam));
          return { changes: r.changes, lastInsertRowid: r.lastInsertRowid };
        },
        iterate: (params: ReadonlyArray<unknown>) => stmt.iterate(...params.map(toParam)) as IterableIterator<unknown>,
      };
    },
  };
}
