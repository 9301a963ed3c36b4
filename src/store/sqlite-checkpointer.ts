// WAL checkpoints off the commit path. By default SQLite checkpoints inside whichever commit
// pushes the WAL past 1000 pages: that commit then copies ~4 MB into the database file and
// fsyncs it. On the spool thread that made every ~40th acknowledgement wait 20-40 ms; on the
// main thread (delivery outcomes) it stalled the event loop. While a node runs, one thread
// of its own checkpoints instead (PASSIVE: never blocks writers or readers), and every
// connection the node opens turns its automatic checkpoints off.
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

interface Entry {
  worker: Worker | null;
  users: number;
  restarts: number;
  timer?: NodeJS.Timeout;
  /** [0] = 1 when the WAL has grown past maxWalBytes (set by this thread, cleared by the writer) */
  walTooLong: Int32Array;
  maxWalBytes: number;
}

/** The WAL size past which the writer is asked to start it over (see sqlite-spool-worker.ts). */
export const MAX_WAL_BYTES = 64 * 1024 * 1024;

const running = new Map<string, Entry>();

/** Whether a checkpointer runs for this database file (connections then leave checkpoints to it). */
export function checkpointerRunning(file: string): boolean {
  return running.has(resolve(file));
}

// A checkpoint copies each database page written since the last one, once; every 200 ms
// keeps that work small and spread out.
function spawn(key: string, entry: Entry, intervalMs: number): void {
  const worker = new Worker(new URL('./sqlite-checkpoint-worker.ts', import.meta.url), {
    workerData: { file: key, intervalMs, walTooLong: entry.walTooLong, maxWalBytes: entry.maxWalBytes },
  });
  worker.unref();
  entry.worker = worker;
  // The connections of the node have their own checkpoints off: a checkpointer that dies
  // must come back, or the WAL would grow without bound.
  const again = (why: string) => {
    if (entry.worker !== worker) return;
    entry.worker = null;
    if (entry.users <= 0) return;
    const delay = Math.min(30_000, 100 * 2 ** Math.min(entry.restarts++, 9));
    process.emitWarning(`WAL checkpointer for ${key} stopped (${why}); restarting in ${delay} ms`);
    entry.timer = setTimeout(() => spawn(key, entry, intervalMs), delay);
    entry.timer.unref();
  };
  worker.on('error', (err: Error) => again(err.message));
  worker.on('exit', (code) => again(`exit code ${code}`));
}

/** The checkpointer's thread of this file right now (diagnostics and tests). */
export function checkpointerThread(file: string): Worker | null {
  return running.get(resolve(file))?.worker ?? null;
}

/**
 * The WAL limit of `file` and the flag the checkpointer raises when the WAL has grown past it: PASSIVE
 * checkpoints never make it start over under a steady load, the single writer does (it
 * runs a RESTART checkpoint between two commits when it sees the flag). Shared memory, so
 * the writer thread reads it without a message.
 */
export function walBound(file: string): { walTooLong: Int32Array; maxWalBytes: number } | undefined {
  const e = running.get(resolve(file));
  return e && { walTooLong: e.walTooLong, maxWalBytes: e.maxWalBytes };
}

/** Starts (or shares) the checkpointer of `file`; the returned function stops this user's share. */
export function startCheckpointer(file: string, opts: { intervalMs?: number; maxWalBytes?: number } = {}): () => Promise<void> {
  const key = resolve(file);
  let entry = running.get(key);
  if (!entry) {
    entry = { worker: null, users: 0, restarts: 0, walTooLong: new Int32Array(new SharedArrayBuffer(4)), maxWalBytes: opts.maxWalBytes ?? MAX_WAL_BYTES };
    running.set(key, entry);
    spawn(key, entry, opts.intervalMs ?? 200);
  }
  entry.users++;
  const mine = entry;
  let stopped = false;
  return async () => {
    if (stopped) return;
    stopped = true;
    if (--mine.users > 0) return;
    if (running.get(key) === mine) running.delete(key);
    if (mine.timer) clearTimeout(mine.timer);
    const w = mine.worker;
    mine.worker = null;
    await w?.terminate();
  };
}
