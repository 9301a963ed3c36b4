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

/**
 * Runs `each` on the bytes of every FILE argument, for the `… parse FILE…` commands: an
 * unreadable file is reported (as JSON with --json) and makes the exit code 1; no file at
 * all is a usage error (2).
 */
export async function forEachFile(
  args: { positionals: string[]; json: boolean },
  io: { out: (l: string) => void; err: (l: string) => void },
  usage: string,
  each: (file: string, raw: Buffer) => void,
): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  if (args.positionals.length === 0) {
    io.err(`usage: relais ${usage}`);
    return 2;
  }
  let failed = 0;
  for (const file of args.positionals) {
    let raw: Buffer;
    try {
      raw = await readFile(file);
    } catch (err) {
      failed++;
      if (args.json) io.out(JSON.stringify({ file, error: (err as Error).message }));
      else io.err(`${file}: ${(err as Error).message}`);
      continue;
    }
    each(file, raw);
  }
  return failed ? 1 : 0;
}
