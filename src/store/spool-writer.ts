// Chooses how spool batches become durable: on SQLite a dedicated worker thread with its
// own connection (commits and fsyncs off the event loop), on PostgreSQL the shared pool.
import { Worker } from 'node:worker_threads';
import type { Store } from './database.ts';
import { type SpoolBatch, writeSpoolBatches } from './spool-repo.ts';

export interface SpoolWriter {
  write(batches: SpoolBatch[]): Promise<void>;
  close(): Promise<void>;
}

function merge(batches: SpoolBatch[]): SpoolBatch {
  const m: SpoolBatch = { bodies: [], messages: [], events: [] };
  for (const b of batches) {
    m.bodies.push(...b.bodies);
    m.messages.push(...b.messages);
    m.events.push(...b.events);
  }
  return m;
}

export function createSpoolWriter(store: Store): SpoolWriter {
  if (store.dialect !== 'sqlite' || !store.file || store.file === ':memory:') {
    return { write: (b) => writeSpoolBatches(store, b), close: async () => {} };
  }
  const worker = new Worker(new URL('./sqlite-spool-worker.ts', import.meta.url), { workerData: { file: store.file } });
  worker.unref();
  let seq = 0;
  const waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  worker.on('message', (m: { id: number; ok: boolean; error?: string }) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.ok) w?.resolve();
    else w?.reject(new Error(`spool write failed: ${m.error}`));
  });
  worker.on('error', (err: Error) => {
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  });
  return {
    write(batches) {
      const id = ++seq;
      return new Promise<void>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage({ id, batch: merge(batches) });
      }).finally(() => {
        if (waiting.size === 0) worker.unref();
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
