// Shared plumbing for commands that need the configuration or the store.
import { loadConfig, type Config } from '../core/config.ts';
import { openStore, type Store } from '../store/database.ts';
import { migrate } from '../store/migrate.ts';

export async function withStore<T>(fn: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = await openStore(config.databaseUrl);
  try {
    await migrate(store);
    return await fn(store, config);
  } finally {
    await store.close();
  }
}

export function requireNumber(v: string | boolean | undefined, what: string): number {
  if (typeof v !== 'string' || !/^\d+$/.test(v)) throw new Error(`${what} must be a number`);
  return Number(v);
}

/** Prints a table of rows (human output). */
export function table(rows: Record<string, unknown>[], cols: string[]): string[] {
  if (rows.length === 0) return ['(none)'];
  const cells = rows.map((r) => cols.map((c) => (r[c] === null || r[c] === undefined ? '' : String(r[c]))));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  return [line(cols.map((c) => c.toUpperCase())), ...cells.map(line)];
}
