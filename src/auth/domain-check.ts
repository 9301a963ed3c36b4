// checkDomain: every record of a sending domain, each with expected / found / verdict and a
// plain explanation. A temporary DNS failure yields status "unknown", never "failed": the
// caller keeps the previous verification state until DNS answers again.
import { type Clock, systemClock } from '../core/clock.ts';
import type { Resolver } from '../dns/resolver.ts';
import { checkDkim } from './check-dkim.ts';
import { checkDmarc } from './check-dmarc.ts';
import { checkCname, checkDomainMx } from './check-hosts.ts';
import { checkSpf } from './check-spf.ts';
import type { RecordCheck, Verdict } from './check-types.ts';
import type { DkimAlgorithm } from './dkim-keys.ts';
import { returnPathName } from './domain-plan.ts';

export interface DomainCheckInput {
  domain: string;
  resolver: Resolver;
  /** Keys to check; `required: false` for a pending key being rotated in. */
  dkimKeys: Array<{ selector: string; algorithm: DkimAlgorithm; publicKey: string; required?: boolean }>;
  /** d= of the signatures (default: the domain). */
  signingDomain?: string;
  egressIps: string[];
  spfInclude: string;
  returnPathHost: string;
  returnPathLabel?: string;
  trackingHost?: string;
  trackingLabel?: string;
  dmarcRua?: string;
  clock?: Clock;
}

export type DomainStatus = 'verified' | 'failed' | 'unknown';

export interface DomainCheckResult {
  domain: string;
  checkedAt: string;
  /** verified: every required record passes (warnings allowed); failed: one is wrong; unknown: DNS failed temporarily. */
  status: DomainStatus;
  records: RecordCheck[];
  summary: string;
}

export async function checkDomain(input: DomainCheckInput): Promise<DomainCheckResult> {
  const { domain, resolver } = input;
  const clock = input.clock ?? systemClock;
  const rp = returnPathName(domain, input.returnPathLabel);
  const checks: Array<Promise<RecordCheck>> = [
    ...input.dkimKeys.map((key) => checkDkim({ domain: input.signingDomain ?? domain, resolver, key, required: key.required ?? true })),
    checkSpf({ domain, resolver, egressIps: input.egressIps, spfInclude: input.spfInclude }),
    checkCname({ id: 'return-path', name: rp, target: input.returnPathHost, resolver, required: true }),
    checkDmarc({ domain, resolver, dkimDomain: input.signingDomain, returnPathDomain: rp, dmarcRua: input.dmarcRua }),
    checkDomainMx(domain, resolver),
  ];
  if (input.trackingHost) {
    checks.push(checkCname({ id: 'tracking', name: `${input.trackingLabel ?? 'track'}.${domain}`, target: input.trackingHost, resolver, required: false }));
  }
  const records = await Promise.all(checks);
  const required = records.filter((r) => r.required);
  const status: DomainStatus = required.some((r) => r.verdict === 'fail')
    ? 'failed'
    : required.some((r) => r.verdict === 'temporary-error')
      ? 'unknown'
      : 'verified';
  const count = (v: Verdict) => records.filter((r) => r.verdict === v).length;
  const summary =
    status === 'verified'
      ? `${domain} is verified${count('warning') > 0 ? ` (${count('warning')} warning${count('warning') > 1 ? 's' : ''})` : ''}.`
      : status === 'failed'
        ? `${domain} is not verified: ${required
            .filter((r) => r.verdict === 'fail')
            .map((r) => r.id)
            .join(', ')} need${required.filter((r) => r.verdict === 'fail').length > 1 ? '' : 's'} fixing.`
        : `${domain} could not be checked completely because DNS failed temporarily; its previous state stands.`;
  return { domain, checkedAt: new Date(clock.now()).toISOString(), status, records, summary };
}

export interface CheckChange {
  id: string;
  from: Verdict | 'absent';
  to: Verdict | 'absent';
}

/**
 * What changed between two checks, for the periodic re-check's event. A temporary error in
 * the new check is "no information", not a change.
 */
export function diffDomainChecks(prev: DomainCheckResult | undefined, next: DomainCheckResult): CheckChange[] {
  const before = new Map(prev?.records.map((r) => [r.id, r.verdict]) ?? []);
  const changes: CheckChange[] = [];
  for (const r of next.records) {
    if (r.verdict === 'temporary-error') continue;
    const was = before.get(r.id) ?? 'absent';
    if (was !== r.verdict) changes.push({ id: r.id, from: was, to: r.verdict });
  }
  return changes;
}
