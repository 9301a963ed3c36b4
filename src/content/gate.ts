// The intake decision: pass, warn or block a send given its content report. Defaults from
// issue 6: transactional mail is never blocked by content alone (a password reset must go
// out), marketing is refused above 5.0. A tenant threshold makes either stream block.
import type { ContentReport, Hit, Stream } from './types.ts';

export interface GateOptions {
  stream: Stream;
  /** block above this score; for transactional, only when set */
  threshold?: number;
}

export interface GateDecision {
  action: 'pass' | 'warn' | 'block';
  message: string;
  topHits: Pick<Hit, 'rule' | 'points' | 'matched' | 'description'>[];
}

const DEFAULT_LIMIT = 5.0;

export function contentGateDecision(report: ContentReport, opts: GateOptions): GateDecision {
  const topHits = report.hits
    .filter((h) => h.points > 0)
    .slice(0, 3)
    .map((h) => ({ rule: h.rule, points: h.points, matched: h.matched, description: h.description }));
  const list = topHits.map((h) => `${h.rule} (${h.points}${h.matched ? `: "${h.matched.slice(0, 40)}"` : ''})`).join(', ');
  const blocks = opts.stream === 'marketing' || opts.threshold !== undefined;
  const limit = opts.threshold ?? DEFAULT_LIMIT;
  const score = report.score;
  if (score > limit) {
    const action = blocks ? 'block' : 'warn';
    const verb = action === 'block' ? 'refused' : 'sent with a warning';
    return { action, message: `${opts.stream} message ${verb}: content score ${score} is above ${limit}; top hits: ${list}`, topHits };
  }
  if (blocks && score > limit / 2) {
    return { action: 'warn', message: `content score ${score} is close to the ${opts.stream} limit ${limit}; top hits: ${list}`, topHits };
  }
  return { action: 'pass', message: `content score ${score} is within the ${opts.stream} limit ${limit}`, topHits };
}
