// Worker thread that performs the spool's SQLite commits. node:sqlite is synchronous, so a
// commit (and its fsync) would otherwise stall the event loop that parses requests; here
// it runs on the second core while the main thread goes on accepting mail.
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import type { SpoolBatch } from './spool-repo.ts';

const db = new DatabaseSync(workerData.file as string);
// Checkpoints are the checkpointer thread's job (sqlite-checkpointer.ts), not the commits'.
db.exec('PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; PRAGMA wal_autocheckpoint=0;');

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

/** All the batches in one transaction: all durable, or (thrown) none. */
function commit(batches: SpoolBatch[]): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    for (const b of batches) {
      insert('bodies', b.bodies as never);
      insert('messages', b.messages as never);
      insert('events', b.events as never);
    }
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}

// The reply holds one entry per batch: null when durable, else why not. When the shared
// transaction fails, each batch is retried here on its own (the bodies may have been moved
// to this thread, so the caller could not resend them).
parentPort!.on('message', (msg: { id: number; batches: SpoolBatch[]; giveBack?: boolean }) => {
  let errors: (string | null)[];
  try {
    commit(msg.batches);
    errors = msg.batches.map(() => null);
  } catch (err) {
    if (msg.batches.length === 1) errors = [(err as Error).message];
    else {
      errors = msg.batches.map((b) => {
        try {
          commit([b]);
          return null;
        } catch (e) {
          return (e as Error).message;
        }
      });
    }
  }
  if (!msg.giveBack) {
    parentPort!.postMessage({ id: msg.id, errors });
    return;
  }
  // The caller delivers these messages from memory: hand the moved bodies back, in the
  // order they came (SQLite copied what it needed). Copied ones are returned too; the
  // caller only looks at the ones it moved.
  const back: ArrayBuffer[] = [];
  const seen = new Set<ArrayBufferLike>();
  for (const b of msg.batches) {
    for (const body of b.bodies) {
      const buf = (body.raw as Uint8Array).buffer;
      if (!seen.has(buf)) {
        seen.add(buf);
        back.push(buf as ArrayBuffer);
      }
    }
  }
  parentPort!.postMessage({ id: msg.id, errors, back }, back);
});
