// A token bucket for message and connection rates. Time is passed in (ms), never read, so
// the bucket is deterministic under test and the caller decides which Clock drives it.
import { parseRate, type Rate } from './duration.ts';

export class TokenBucket {
  #rate: Rate;
  #burst: number;
  #tokens: number;
  #last: number;

  /**
   * @param rate  "n/period" or a parsed Rate
   * @param burst bucket size; default one second's worth of the rate (at least 1), so
   *              "100/h" sends one at a time, evenly spaced, as Gmail asks ("no bursts")
   * @param now   start time; the bucket starts full
   */
  constructor(rate: Rate | string, opts: { burst?: number; now?: number } = {}) {
    this.#rate = typeof rate === 'string' ? parseRate(rate) : rate;
    this.#burst = opts.burst ?? TokenBucket.defaultBurst(this.#rate);
    this.#tokens = this.#burst;
    this.#last = opts.now ?? 0;
  }

  static defaultBurst(rate: Rate): number {
    return Math.max(1, Math.floor((rate.count * 1000) / rate.perMs));
  }

  get rate(): Rate {
    return this.#rate;
  }

  get burst(): number {
    return this.#burst;
  }

  #refill(now: number): void {
    if (now > this.#last) {
      this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) * this.#rate.count) / this.#rate.perMs);
      this.#last = now;
    }
  }

  /** Tokens available at `now` (fractional). */
  available(now: number): number {
    this.#refill(now);
    return this.#tokens;
  }

  /** Takes n tokens if available now; returns whether it did. */
  tryTake(now: number, n = 1): boolean {
    this.#refill(now);
    if (this.#tokens + 1e-9 < n) return false;
    this.#tokens -= n;
    return true;
  }

  /** Milliseconds from `now` until n tokens are available (0 = now). n above the burst never fits: Infinity. */
  waitMs(now: number, n = 1): number {
    if (n > this.#burst) return Number.POSITIVE_INFINITY;
    this.#refill(now);
    const missing = n - this.#tokens;
    return missing <= 1e-9 ? 0 : Math.ceil((missing * this.#rate.perMs) / this.#rate.count);
  }

  /**
   * Changes the rate (an automation adjustment started or ended). Tokens already earned
   * are kept but capped by the new burst, so slowing down takes effect at once.
   */
  setRate(rate: Rate | string, now: number, burst?: number): void {
    this.#refill(now);
    this.#rate = typeof rate === 'string' ? parseRate(rate) : rate;
    this.#burst = burst ?? TokenBucket.defaultBurst(this.#rate);
    this.#tokens = Math.min(this.#tokens, this.#burst);
  }
}
