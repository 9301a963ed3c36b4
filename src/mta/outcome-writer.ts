// Group commit for delivery outcomes: attempts finishing within a few milliseconds share one
// transaction, so recording a delivery does not cost a disk flush per message. On SQLite
// the commit runs on the spool's writer thread when there is one (it shares the spool's
// fsyncs, and the event loop never blocks on the disk or the write lock).
import type { Store } from '../store/database.ts';
import { type AttemptOutcome, applyOutcomes } from '../store/queue-repo.ts';
import type { SpoolWriter } from '../store/spool-writer.ts';

interface Pending {
  o: AttemptOutcome;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class OutcomeWriter {
  readonly #store: () => Store;
  readonly #windowMs: number;
  readonly #maxBatch: number;
  readonly #thread: () => SpoolWriter | undefined;
  #pending: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  commits = 0;

  /** `thread`: the spool's writer thread to commit through, when there is one */
  constructor(store: Store | (() => Store), opts: { windowMs?: number; maxBatch?: number; thread?: () => SpoolWriter | undefined } = {}) {
    this.#store = typeof store === 'function' ? store : () => store;
    this.#thread = opts.thread ?? (() => undefined);
    this.#windowMs = opts.windowMs ?? 10;
    this.#maxBatch = opts.maxBatch ?? 1000;
  }

  /** Resolves once the outcome is committed. */
  add(o: AttemptOutcome): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ o, resolve, reject });
      if (this.#pending.length >= this.#maxBatch) this.#kick();
      else this.#timer ??= setTimeout(() => this.#kick(), this.#windowMs);
    });
  }

  #kick(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined;
    });
  }

  async #run(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.#maxBatch);
      try {
        const outcomes = batch.map((b) => b.o);
        const thread = this.#thread();
        if (thread) await thread.applyOutcomes(outcomes, Date.now());
        else await applyOutcomes(this.#store(), outcomes, Date.now());
        this.commits++;
        for (const b of batch) b.resolve();
      } catch (e) {
        for (const b of batch) b.reject(e);
      }
    }
  }

  async flush(): Promise<void> {
    this.#kick();
    while (this.#running) await this.#running;
  }
}
