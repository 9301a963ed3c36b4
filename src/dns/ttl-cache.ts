// A bounded TTL cache for DNS answers. Positive answers live for their TTL (clamped),
// negative ones (NXDOMAIN/NODATA) for a short negative TTL, temporary failures never:
// a SERVFAIL must be retried, not remembered.
import type { Clock } from '../core/clock.ts';
import type { DnsAnswer } from './resolver.ts';

export interface TtlCacheOptions {
  maxEntries?: number;
  /** Upper bound for any positive TTL, seconds (default 3600). */
  maxTtl?: number;
  /** Lower bound for positive TTLs, seconds (default 5): TTL 0 would defeat coalescing. */
  minTtl?: number;
  /** Seconds to remember NXDOMAIN/NODATA (default 60). */
  negativeTtl?: number;
}

export class TtlCache {
  private readonly map = new Map<string, { expires: number; answer: DnsAnswer<unknown> }>();
  private readonly clock: Clock;
  private readonly maxEntries: number;
  private readonly maxTtl: number;
  private readonly minTtl: number;
  private readonly negativeTtl: number;

  constructor(clock: Clock, opts: TtlCacheOptions = {}) {
    this.clock = clock;
    this.maxEntries = opts.maxEntries ?? 50_000;
    this.maxTtl = opts.maxTtl ?? 3600;
    this.minTtl = opts.minTtl ?? 5;
    this.negativeTtl = opts.negativeTtl ?? 60;
  }

  get(key: string): DnsAnswer<unknown> | undefined {
    const hit = this.map.get(key);
    if (!hit) return undefined;
    if (hit.expires <= this.clock.now()) {
      this.map.delete(key);
      return undefined;
    }
    return hit.answer;
  }

  put(key: string, answer: DnsAnswer<unknown>): void {
    let ttl: number;
    if (answer.status === 'ok') ttl = Math.min(this.maxTtl, Math.max(this.minTtl, answer.ttl));
    else if (answer.status === 'temporary') return;
    else ttl = this.negativeTtl;
    if (ttl <= 0) return;
    this.map.delete(key);
    if (this.map.size >= this.maxEntries) {
      // Maps iterate in insertion order: drop the oldest entry.
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
    this.map.set(key, { expires: this.clock.now() + ttl * 1000, answer });
  }

  get size(): number {
    return this.map.size;
  }

  clear(): void {
    this.map.clear();
  }
}
