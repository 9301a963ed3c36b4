// Chooses how spool batches become durable: on SQLite a dedicated worker thread with its
// own connection (commits and fsyncs off the event loop), on PostgreSQL the shared pool.
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import type { Store } from './database.ts';
import { checkpointerRunning, MAX_WAL_BYTES, startCheckpointer, walBound } from './sqlite-checkpointer.ts';
import { type AttemptOutcome, applyOutcomes } from './queue-repo.ts';
import { sqliteOutcomeRows } from './sqlite-outcomes.ts';
import type { WriterJob } from './sqlite-spool-worker.ts';
import { type SpoolBatch, writeSpoolBatches } from './spool-repo.ts';

export interface SpoolWriter {
  /**
   * Makes the batches durable together. Either throws (nothing written) or returns, per
   * batch, undefined when it is durable or the error that refused it: when the shared
   * transaction fails the writer retries each batch on its own, so one bad batch does not
   * fail its neighbours.
   */
  write(batches: SpoolBatch[], opts?: { keepBodies?: boolean }): Promise<(Error | undefined)[] | undefined>;
  /** Delivery outcomes, written by the same thread as the spool (queue-repo's applyOutcomes). */
  applyOutcomes(outcomes: AttemptOutcome[], now: number): Promise<void>;
  close(): Promise<void>;
  /** true when writes sent while one is running are merged into the next transaction */
  merges?: boolean;
  /** the writer thread, when there is one (diagnostics and tests) */
  thread?(): Worker | null;
}

// Bodies are the bulk of a spool write. Copying them to the writer thread costs a copy
// and garbage per message; a body whose memory nobody else uses is moved there instead
// (postMessage transfer). Only the code that made the buffer can know that, so it says so.
const movable = new WeakSet<ArrayBufferLike>();

/**
 * Marks a message body buffer as owned by the spool from now on: the spool may move its
 * memory to the writer thread, after which the buffer reads as empty. Call it only on a
 * buffer whose memory (its whole ArrayBuffer) nothing else reads, never on a pooled one.
 */
export function giveBodyToSpool(raw: Buffer): void {
  movable.add(raw.buffer);
}

// The writer thread of a store, while its spool is open: the delivery loop's outcome
// writer sends its commits there too, so the event loop never waits for an fsync or for
// the write lock the spool's commits hold.
const threadWriters = new WeakMap<Store, SpoolWriter>();

/** The store's SQLite writer thread, if a spool on it runs one. */
export function writerThreadFor(store: Store): SpoolWriter | undefined {
  return threadWriters.get(store);
}

/**
 * `bodyFiles: false` keeps SQLite bodies in the database instead of body files
 * (body-files.ts); tests that need WAL traffic use it.
 */
export function createSpoolWriter(store: Store, opts: { bodyFiles?: boolean } = {}): SpoolWriter {
  if (store.dialect !== 'sqlite' || !store.file || store.file === ':memory:') {
    return {
      async write(b) {
        await writeSpoolBatches(store, b);
        return undefined;
      },
      applyOutcomes: (outcomes, now) => applyOutcomes(store, outcomes, now),
      close: async () => {},
    };
  }
  const file = store.file;
  // Checkpoints move to a thread of their own; this store's connection stops doing them.
  const stopCheckpointer = startCheckpointer(file);
  void sql`pragma wal_autocheckpoint=0`.execute(store.db).catch(() => {});
  let seq = 0;
  let closing = false;
  interface Moved {
    body: SpoolBatch['bodies'][number];
    /** index of its ArrayBuffer among the distinct buffers of the write, in body order */
    buffer: number;
    offset: number;
    length: number;
  }
  const waiting = new Map<number, { what: string; resolve: (r: (Error | undefined)[]) => void; reject: (e: Error) => void; moved?: Moved[] }>();
  // A writer thread that dies (out of memory, a crash in a native call) must not leave
  // later writes waiting forever: what it held is refused (the clients get 4xx/5xx and
  // retry), and the next write starts a fresh thread.
  let worker: Worker | null = null;
  const failAll = (err: Error) => {
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  const ensureWorker = (): Worker => {
    if (worker) return worker;
    const w = new Worker(new URL('./sqlite-spool-worker.ts', import.meta.url), { workerData: { file, bodyFiles: opts.bodyFiles ?? true, ...(walBound(file) ?? { maxWalBytes: MAX_WAL_BYTES }) } });
    w.unref();
    w.on('message', (m: { id: number; errors: (string | null)[]; back?: ArrayBuffer[] }) => {
      const entry = waiting.get(m.id);
      waiting.delete(m.id);
      // Moved bodies the caller wants to keep come back the same way (moved, not copied).
      if (entry?.moved && m.back) {
        entry.moved.forEach((mv) => {
          const ab = m.back![mv.buffer];
          if (ab) mv.body.raw = Buffer.from(ab, mv.offset, mv.length);
        });
      }
      if (!entry) return;
      entry.resolve(m.errors.map((e) => (e === null ? undefined : new Error(`${entry.what} write failed: ${e}`))));
    });
    w.on('error', (err: Error) => {
      if (worker === w) worker = null;
      failAll(err);
    });
    w.on('exit', (code) => {
      if (worker === w) worker = null;
      if (!closing) failAll(new Error(`spool writer thread exited (code ${code})`));
    });
    worker = w;
    return w;
  };
  ensureWorker();
  const post = (job: WriterJob, transfer: ArrayBuffer[], moved?: Moved[]) =>
    new Promise<(Error | undefined)[]>((resolve, reject) => {
      const w = ensureWorker();
      waiting.set(job.id, { what: job.kind === 'spool' ? 'spool' : 'outcome', resolve, reject, ...(moved ? { moved } : {}) });
      w.ref();
      w.postMessage(job, transfer);
    }).finally(() => {
      if (waiting.size === 0) worker?.unref();
    });
  const writer: SpoolWriter = {
    write(batches, opts = {}) {
      const transfer = new Set<ArrayBuffer>();
      // Every distinct buffer in body order: the writer thread hands them back in this order.
      const order = new Map<ArrayBuffer, number>();
      const moved: Moved[] = [];
      for (const b of batches) {
        for (const body of b.bodies) {
          const raw = body.raw as Uint8Array;
          const buf = raw.buffer as ArrayBuffer;
          // a moved body must never be written again as an empty one
          if (buf.detached) return Promise.reject(new Error('spool write: a message body was already moved to the writer'));
          if (!order.has(buf)) order.set(buf, order.size);
          if (!movable.has(buf)) continue;
          transfer.add(buf);
          if (opts.keepBodies) moved.push({ body, buffer: order.get(buf)!, offset: raw.byteOffset, length: raw.byteLength });
        }
      }
      return post({ kind: 'spool', id: ++seq, batches, giveBack: moved.length > 0 }, [...transfer], opts.keepBodies ? moved : undefined);
    },
    async applyOutcomes(outcomes, now) {
      if (outcomes.length === 0) return;
      const events = outcomes.flatMap((o) => (o.event ? [o.event] : []));
      const [err] = await post({ kind: 'outcomes', id: ++seq, now, rows: sqliteOutcomeRows(outcomes), events }, []);
      if (err) throw err;
    },
    merges: true,
    thread: () => worker,
    async close() {
      closing = true;
      if (threadWriters.get(store) === writer) threadWriters.delete(store);
      await worker?.terminate();
      await stopCheckpointer();
      // The store may outlive this writer (tests, tools): it checkpoints for itself again.
      if (!checkpointerRunning(file)) await sql`pragma wal_autocheckpoint=1000`.execute(store.db).catch(() => {});
    },
  };
  threadWriters.set(store, writer);
  return writer;
}
