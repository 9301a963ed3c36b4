// Group commit: writes that arrive within a short window share one durable transaction,
// so a burst of N messages costs one fsync instead of N. Every caller's promise resolves
// only after the shared commit returned, which is when its data is on disk.

export interface GroupCommitOptions<W> {
  /**
   * Commits all items in one transaction. Throws if the transaction failed (each item is
   * then retried on its own), or returns per item undefined (durable) or its error, when
   * the commit already settled each item itself.
   */
  commit: (items: W[]) => Promise<(unknown | undefined)[] | undefined>;
  windowMs: number;
  maxItems?: number;
  /**
   * Let a commit start while earlier ones are still running. For a committer that queues
   * and merges on its own (the SQLite writer thread takes everything that arrived during
   * its previous transaction into the next): waiting here would only add latency.
   */
  overlap?: boolean;
}

export class GroupCommitter<W> {
  private pending: { item: W; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly opts: GroupCommitOptions<W>;
  commits = 0;
  items = 0;

  constructor(opts: GroupCommitOptions<W>) {
    this.opts = opts;
  }

  write(item: W): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= (this.opts.maxItems ?? 5000)) this.flushSoon(0);
      else this.flushSoon(this.opts.windowMs);
    });
  }

  private flushSoon(ms: number): void {
    if (this.timer && ms > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.opts.overlap) {
        this.running = this.running.then(() => this.flush());
        return;
      }
      const f = this.flush();
      this.inFlight.add(f);
      void f.finally(() => this.inFlight.delete(f));
    }, ms);
  }

  /** Commits what is pending now; resolves when done. */
  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      const outcomes = await this.opts.commit(batch.map((b) => b.item));
      this.commits++;
      batch.forEach((b, i) => {
        const err = outcomes ? outcomes[i] : undefined;
        if (err === undefined) {
          this.items++;
          b.resolve();
        } else b.reject(err);
      });
    } catch (err) {
      if (batch.length === 1) {
        batch[0].reject(err);
        return;
      }
      // One bad item must not fail its neighbours: retry each on its own.
      for (const b of batch) {
        try {
          await this.opts.commit([b.item]);
          this.commits++;
          this.items++;
          b.resolve();
        } catch (e) {
          b.reject(e);
        }
      }
    }
  }

  async close(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    await this.running;
    await Promise.all(this.inFlight);
    await this.flush();
  }
}
