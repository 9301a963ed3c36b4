// The shape of one DNS record check, shared by the domain and egress-IP checks, and the
// wording for temporary failures (which must never read as "not set up").
import type { TemporaryReason } from '../dns/resolver.ts';

export type Verdict = 'pass' | 'fail' | 'warning' | 'temporary-error';

export interface RecordCheck {
  /** "spf", "dkim:<selector>", "dmarc", "return-path", "mx", "tracking", "ptr", "helo". */
  id: string;
  type: 'TXT' | 'CNAME' | 'MX' | 'PTR' | 'A';
  name: string;
  /** Must pass for the domain to be verified. */
  required: boolean;
  /** What should be published there (null when there is no single right value). */
  expected: string | null;
  /** What DNS holds now, made safe to display. */
  found: string[];
  verdict: Verdict;
  /** Stable problem codes ("missing", "duplicate", "wrong-key", ...). */
  problems: string[];
  /** Plain English: what is wrong and exactly what to publish. */
  explanation: string;
}

const REASONS: Record<TemporaryReason, string> = {
  servfail: 'the DNS server answered SERVFAIL (it failed to get an answer)',
  timeout: 'the DNS query timed out',
  refused: 'the DNS server refused the query',
  unreachable: 'no DNS server could be reached',
  error: 'the DNS lookup failed',
};

export function temporaryExplanation(name: string, reason: TemporaryReason): string {
  return `We could not read ${name}: ${REASONS[reason]}. This is a temporary problem with DNS, not a verdict on your records; the check will be repeated.`;
}

export function worstVerdict(verdicts: Verdict[]): Verdict {
  if (verdicts.includes('fail')) return 'fail';
  if (verdicts.includes('temporary-error')) return 'temporary-error';
  if (verdicts.includes('warning')) return 'warning';
  return 'pass';
}
