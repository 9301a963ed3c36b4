// The checkpointer thread (see sqlite-checkpointer.ts): a PASSIVE checkpoint every
// `intervalMs`. One with nothing new in the WAL returns at once without touching the disk.
// PASSIVE never waits for writers, so under a steady load it cannot start the WAL over by
// itself; the spool's writer thread does that when the WAL grows too large
// (sqlite-spool-worker.ts).
import { DatabaseSync } from 'node:sqlite';
import { workerData } from 'node:worker_threads';

const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const db = new DatabaseSync(file);
db.exec('PRAGMA busy_timeout=5000; PRAGMA wal_autocheckpoint=0;');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');

setInterval(() => {
  try {
    checkpoint.get();
  } catch {
    // a locked database or a vanished file: try again next time
  }
}, intervalMs);
