// Worker thread that performs the spool's SQLite commits. node:sqlite is synchronous, so a
// commit (and its fsync) would otherwise stall the event loop that parses requests; here
// it runs on the second core while the main thread goes on accepting mail.
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import type { SpoolBatch } from './spool-repo.ts';

const db = new DatabaseSync(workerData.file as string);
db.exec('PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;');

const stmts = new Map<string, StatementSync>();
function insert(table: string, rows: Record<string, unknown>[]): void {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]);
  const sql = `insert into "${table}" (${cols.map((c) => `"${c}"`).join(', ')}) values (${cols.map(() => '?').join(', ')})`;
  let st = stmts.get(sql);
  if (!st) {
    st = db.prepare(sql);
    stmts.set(sql, st);
  }
  for (const r of rows) st.run(...(cols.map((c) => r[c] ?? null) as never[]));
}

parentPort!.on('message', (msg: { id: number; batch: SpoolBatch }) => {
  try {
    db.exec('BEGIN IMMEDIATE');
    try {
      insert('bodies', msg.batch.bodies as never);
      insert('messages', msg.batch.messages as never);
      insert('events', msg.batch.events as never);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
    parentPort!.postMessage({ id: msg.id, ok: true });
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, ok: false, error: (err as Error).message });
  }
});
