// Chooses how spool batches become durable: on SQLite a dedicated worker thread with its
// own connection (commits and fsyncs off the event loop), on PostgreSQL the shared pool.
import { Worker } from 'node:worker_threads';
import type { Store } from './database.ts';
import { type SpoolBatch, writeSpoolBatches } from './spool-repo.ts';

export interface SpoolWriter {
  /**
   * Makes the batches durable together. Either throws (nothing written) or returns, per
   * batch, undefined when it is durable or the error that refused it: when the shared
   * transaction fails the writer retries each batch on its own, so one bad batch does not
   * fail its neighbours.
   */
  write(batches: SpoolBatch[]): Promise<(Error | undefined)[] | undefined>;
  close(): Promise<void>;
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

export function createSpoolWriter(store: Store): SpoolWriter {
  if (store.dialect !== 'sqlite' || !store.file || store.file === ':memory:') {
    return {
      async write(b) {
        await writeSpoolBatches(store, b);
        return undefined;
      },
      close: async () => {},
    };
  }
  const worker = new Worker(new URL('./sqlite-spool-worker.ts', import.meta.url), { workerData: { file: store.file } });
  worker.unref();
  let seq = 0;
  const waiting = new Map<number, { resolve: (r: (Error | undefined)[]) => void; reject: (e: Error) => void }>();
  worker.on('message', (m: { id: number; errors: (string | null)[] }) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    w?.resolve(m.errors.map((e) => (e === null ? undefined : new Error(`spool write failed: ${e}`))));
  });
  worker.on('error', (err: Error) => {
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  });
  return {
    write(batches) {
      const transfer = new Set<ArrayBuffer>();
      for (const b of batches) {
        for (const body of b.bodies) {
          const buf = (body.raw as Uint8Array).buffer;
          // a moved body must never be written again as an empty one
          if ((buf as ArrayBuffer).detached) return Promise.reject(new Error('spool write: a message body was already moved to the writer'));
          if (movable.has(buf)) transfer.add(buf as ArrayBuffer);
        }
      }
      const id = ++seq;
      return new Promise<(Error | undefined)[]>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage({ id, batches }, [...transfer]);
      }).finally(() => {
        if (waiting.size === 0) worker.unref();
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
