// WAL checkpoints off the commit path. By default SQLite checkpoints inside whichever commit
// pushes the WAL past 1000 pages: that commit then copies ~4 MB into the database file and
// fsyncs it. On the spool thread that made every ~40th acknowledgement wait 20-40 ms; on the
// main thread (delivery outcomes) it stalled the event loop. While a node runs, one thread
// of its own checkpoints instead (PASSIVE: never blocks writers or readers), and every
// connection the node opens turns its automatic checkpoints off.
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

const running = new Map<string, { worker: Worker; users: number }>();

/** Whether a checkpointer runs for this database file (connections then leave checkpoints to it). */
export function checkpointerRunning(file: string): boolean {
  return running.has(resolve(file));
}

/** Starts (or shares) the checkpointer of `file`; the returned function stops this user's share. */
export function startCheckpointer(file: string, opts: { intervalMs?: number } = {}): () => Promise<void> {
  const key = resolve(file);
  let entry = running.get(key);
  if (!entry) {
    const worker = new Worker(new URL('./sqlite-checkpoint-worker.ts', import.meta.url), {
      // At 50 MB/s of mail the WAL stays around 10-20 MB with a checkpoint every 200 ms.
      workerData: { file: key, intervalMs: opts.intervalMs ?? 200 },
    });
    worker.unref();
    // A checkpointer that dies must not leave the WAL to grow: connections opened from now on
    // checkpoint for themselves again (and the open ones are told to by whoever restarts it).
    worker.on('error', (err: Error) => {
      process.emitWarning(`WAL checkpointer for ${key} stopped: ${err.message}`);
      running.delete(key);
    });
    entry = { worker, users: 0 };
    running.set(key, entry);
  }
  entry.users++;
  const mine = entry;
  let stopped = false;
  return async () => {
    if (stopped) return;
    stopped = true;
    if (--mine.users > 0) return;
    if (running.get(key) === mine) running.delete(key);
    await mine.worker.terminate();
  };
}
