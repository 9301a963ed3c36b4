// Retry schedule for a failing webhook endpoint: 30 s, 1 min, 2 min, ... doubling up to one
// hour between tries, with ±10 % jitter so that many endpoints do not retry in lockstep.
// Retries go on until `retryHours` (24-72) after the first failure; the endpoint is then
// marked failing and is probed hourly (or its backup URL takes over).
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 30_000, maxMs: 3_600_000, jitter: 0.1 };

/** Delay before the next try, after `attempts` failed tries (1 = the first failure). */
export function retryDelay(attempts: number, p: BackoffPolicy = DEFAULT_BACKOFF, random = Math.random): number {
  const raw = Math.min(p.maxMs, p.baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
  return Math.round(raw * (1 - p.jitter + 2 * p.jitter * random()));
}
