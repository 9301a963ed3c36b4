// The checkpointer thread (see sqlite-checkpointer.ts): a PASSIVE checkpoint every
// `intervalMs`. One with nothing new in the WAL returns at once without touching the disk.
// PASSIVE never waits for writers, so under a steady load it cannot start the WAL over by
// itself: when the WAL holds more than maxWalBytes, this thread raises a flag in shared
// memory and the spool's writer thread starts the WAL over (sqlite-spool-worker.ts).
import { DatabaseSync } from 'node:sqlite';
import { workerData } from 'node:worker_threads';

const { file, intervalMs, walTooLong, maxWalBytes } = workerData as { file: string; intervalMs: number; walTooLong: Int32Array; maxWalBytes: number };
const db = new DatabaseSync(file);
db.exec('PRAGMA busy_timeout=5000; PRAGMA wal_autocheckpoint=0;');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const frameBytes = Number((db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size) + 24;

setInterval(() => {
  try {
    const r = checkpoint.get() as { log: number };
    if (r.log * frameBytes > maxWalBytes) Atomics.store(walTooLong, 0, 1);
  } catch {
    // a locked database or a vanished file: try again next time
  }
}, intervalMs);
