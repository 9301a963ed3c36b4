// Durations ("90m", "2h", "1d 12h") and rates ("100/h", "20/s") as operators write them in
// shaping and automation data. Parsed once when rules are compiled, never per message.
import { ValidationError } from '../../core/errors.ts';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
};

const DURATION_PART = /(\d+(?:\.\d+)?)\s*([a-z]+)/gy;

/** "90m", "1h30m", "1 day", "30 minutes" -> milliseconds. A bare number is seconds. */
export function parseDuration(text: string | number): number {
  if (typeof text === 'number') {
    if (!Number.isFinite(text) || text < 0) throw new ValidationError(`invalid duration ${text}`);
    return text * 1000;
  }
  const s = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  let total = 0;
  let pos = 0;
  let parts = 0;
  while (pos < s.length) {
    while (s[pos] === ' ') pos++;
    if (pos >= s.length) break;
    DURATION_PART.lastIndex = pos;
    const m = DURATION_PART.exec(s);
    const unit = m ? UNIT_MS[m[2]!] : undefined;
    if (!m || unit === undefined) throw new ValidationError(`invalid duration "${text}"`);
    total += Number(m[1]) * unit;
    pos = DURATION_PART.lastIndex;
    parts++;
  }
  if (parts === 0) throw new ValidationError(`invalid duration "${text}"`);
  return total;
}

/** A rate: `count` events per `perMs` milliseconds. */
export interface Rate {
  count: number;
  perMs: number;
}

/** "100/h", "20/s", "10/minute", "1000/day", "5/30s" -> Rate. */
export function parseRate(text: string): Rate {
  const m = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)?\s*([a-z]+)\s*$/i.exec(text);
  const unit = m ? UNIT_MS[m[3]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new ValidationError(`invalid rate "${text}" (expected e.g. "100/h" or "20/s")`);
  const count = Number(m[1]);
  const perMs = (m[2] ? Number(m[2]) : 1) * unit;
  if (!(count > 0) || !(perMs > 0)) throw new ValidationError(`rate "${text}" must be positive`);
  return { count, perMs };
}

/** Events per second, to compare two rates. */
export function ratePerSecond(r: Rate): number {
  return (r.count * 1000) / r.perMs;
}

/** The slower of two rates (undefined means unlimited). */
export function slowerRate(a: Rate | undefined, b: Rate | undefined): Rate | undefined {
  if (!a) return b;
  if (!b) return a;
  return ratePerSecond(b) < ratePerSecond(a) ? b : a;
}

export function formatRate(r: Rate): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['min', 60_000],
    ['s', 1000],
  ];
  for (const [u, ms] of units) if (r.perMs === ms) return `${r.count}/${u}`;
  return `${r.count}/${r.perMs}ms`;
}
