// The durable spool: a message is accepted only once its rows are committed. Writes from
// concurrent requests share commits (group commit), so durability costs one flush per
// window instead of one per message.
import type { Store } from '../store/database.ts';
import { releaseRows } from '../store/queue-repo.ts';
import type { SpoolBatch } from '../store/spool-repo.ts';
import { createSpoolWriter, type SpoolWriter } from '../store/spool-writer.ts';
import { GroupCommitter } from './group-commit.ts';

export class Spool {
  private readonly committer: GroupCommitter<SpoolBatch>;
  /** called after each durable write with the new queue rows, so the MTA can pick them up at once */
  onSpooled: ((batch: SpoolBatch) => void) | null = null;
  /**
   * A delivery loop in this process that takes spooled mail straight from memory: rows due
   * now are committed already leased to it, and the bodies stay (or come back) in memory
   * for onSpooled. A crash leaves the rows leased; the restarted loop takes them back.
   */
  handoff: { owner: string; leaseMs: number } | null = null;

  private readonly writer: SpoolWriter;

  private readonly store: Store;

  constructor(store: Store, windowMs: number) {
    this.store = store;
    this.writer = createSpoolWriter(store);
    this.committer = new GroupCommitter<SpoolBatch>({
      commit: (items) => this.writer.write(items, { keepBodies: this.handoff !== null }),
      windowMs,
      overlap: this.writer.merges === true,
    });
  }

  async write(batch: SpoolBatch): Promise<void> {
    const h = this.handoff;
    if (h) {
      const now = Date.now();
      for (const m of batch.messages) {
        if (m.status === 'queued' && m.next_attempt_at <= now && m.lease_owner == null) {
          m.lease_owner = h.owner;
          m.lease_until = now + h.leaseMs;
        }
      }
    }
    try {
      await this.committer.write(batch);
    } catch (err) {
      // Refused: the client is told to retry. Should the rows exist after all (a writer
      // thread that died between its commit and its reply), they must not wait out a
      // lease nobody holds: give them back (a no-op when nothing was written).
      const leased = h ? batch.messages.filter((m) => m.lease_owner === h.owner).map((m) => m.id) : [];
      if (leased.length > 0) await releaseRows(this.store, leased, Date.now(), h!.owner).catch(() => {});
      throw err;
    }
    // The batch is durable: whatever a listener does now must not turn it into a refusal
    // (the client would send it again).
    try {
      this.onSpooled?.(batch);
    } catch (err) {
      process.emitWarning(`after spooling: ${(err as Error).message}`);
    }
  }

  stats(): { commits: number; items: number } {
    return { commits: this.committer.commits, items: this.committer.items };
  }

  async close(): Promise<void> {
    await this.committer.close();
    await this.writer.close();
  }
}
