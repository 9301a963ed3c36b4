// SPF check: the record exists once, stays within 10 lookups, has no "+all", and evaluates
// to pass (mailauth's RFC 7208 evaluator) for every egress IP.
import { spf as mailauthSpf } from 'mailauth/lib/spf/index.js';
import type { Resolver } from '../dns/resolver.ts';
import { type RecordCheck, temporaryExplanation } from './check-types.ts';
import { mailauthResolver } from './mailauth-resolver.ts';
import { analyzeSpf } from './spf-analysis.ts';
import { hasInclude, mergeSpf } from './spf-record.ts';
import { displayTxt } from './txt-strings.ts';

export interface SpfCheckInput {
  domain: string;
  resolver: Resolver;
  egressIps: string[];
  spfInclude: string;
}

export async function checkSpf({ domain, resolver, egressIps, spfInclude }: SpfCheckInput): Promise<RecordCheck> {
  const base = { id: 'spf', type: 'TXT' as const, name: domain, required: true };
  const analysis = await analyzeSpf(domain, resolver);
  const found = analysis.records.map((r) => displayTxt(r));
  const expected = mergeSpf(analysis.records, spfInclude).record;
  const fails = analysis.problems.filter((p) => p.severity === 'fail');
  const warnings = analysis.problems.filter((p) => p.severity === 'warning');
  const publish = ` Publish this single SPF record at ${domain}: ${expected}`;

  if (fails.some((p) => p.code === 'missing' || p.code === 'duplicate')) {
    const p = fails.find((x) => x.code === 'missing' || x.code === 'duplicate')!;
    const text =
      p.code === 'missing'
        ? `${domain} has no SPF record, so receivers cannot tell that Relais may send for it.`
        : `${domain} has ${analysis.records.length} SPF records. A domain may have only one; with several, every receiver's SPF check ends in a permanent error. Merge them into one.`;
    return { ...base, expected, found, verdict: 'fail', problems: [p.code], explanation: text + publish };
  }
  if (analysis.temporary && fails.length === 0) {
    return { ...base, expected, found, verdict: 'temporary-error', problems: ['temporary'], explanation: temporaryExplanation(analysis.temporary.name, analysis.temporary.reason) };
  }

  // Per-IP evaluation exactly as a receiver does it.
  const notCovered: string[] = [];
  let temporary: string | undefined;
  const ma = mailauthResolver(resolver);
  for (const ip of egressIps) {
    const r = await mailauthSpf({ sender: `postmaster@${domain}`, ip, helo: domain, mta: 'relais', resolver: ma as never });
    const result = r.status.result;
    if (result === 'temperror') temporary = `${ip}: ${r.status.comment ?? 'temporary error'}`;
    else if (result !== 'pass') notCovered.push(`${ip} (${result})`);
  }

  const problems = [...new Set(fails.map((p) => p.code))] as string[];
  if (notCovered.length > 0) problems.push('ip-not-covered');
  if (problems.length > 0) {
    const sentences = fails.map((p) => `${p.text}.`);
    // A permerror is the consequence of a problem already named above; do not repeat it per IP.
    const shown = fails.length > 0 ? notCovered.filter((x) => !x.endsWith('(permerror)')) : notCovered;
    if (shown.length > 0) {
      const advice = analysis.records.some((r) => hasInclude(r, spfInclude)) ? '' : `: add include:${spfInclude} to your record`;
      sentences.push(`SPF does not pass for Relais's sending IP${shown.length > 1 ? 's' : ''} ${shown.join(', ')}${advice}.`);
    }
    return { ...base, expected, found, verdict: 'fail', problems, explanation: sentences.join(' ') + publish };
  }
  if (temporary) {
    return {
      ...base,
      expected,
      found,
      verdict: 'temporary-error',
      problems: ['temporary'],
      explanation: `Part of the SPF evaluation could not be completed (${temporary}). This is a temporary DNS problem, not a verdict on your records; the check will be repeated.`,
    };
  }
  if (warnings.length > 0) {
    return {
      ...base,
      expected,
      found,
      verdict: 'warning',
      problems: warnings.map((w) => w.code),
      explanation: `SPF passes for all ${egressIps.length} sending IPs (${analysis.lookups}/10 DNS lookups), but: ${warnings.map((w) => w.text).join('; ')}.`,
    };
  }
  return {
    ...base,
    expected,
    found,
    verdict: 'pass',
    problems: [],
    explanation: `SPF passes for all ${egressIps.length} sending IPs and uses ${analysis.lookups} of the 10 DNS lookups receivers allow.`,
  };
}
