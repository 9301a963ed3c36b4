// Static analysis of a domain's SPF tree, independent of any client IP: how many DNS
// lookups a receiver will spend (RFC 7208 §4.6.4 caps it at 10, beyond is a permanent
// error for everyone), "+all", duplicates, dangling includes and loops. Whether each egress
// IP passes is evaluated separately with mailauth (spf-check.ts).
import type { Resolver, TemporaryReason } from '../dns/resolver.ts';
import { isSpfRecord, LOOKUP_TERMS, parseSpf } from './spf-record.ts';

export type SpfProblemCode =
  | 'missing'
  | 'duplicate'
  | 'syntax'
  | 'too-many-lookups'
  | 'pass-all'
  | 'ptr'
  | 'include-missing'
  | 'include-duplicate'
  | 'loop';

export interface SpfProblem {
  code: SpfProblemCode;
  severity: 'fail' | 'warning';
  text: string;
}

export interface SpfAnalysis {
  /** Every v=spf1 record at the domain itself (more than one is an error). */
  records: string[];
  lookups: number;
  problems: SpfProblem[];
  temporary?: { name: string; reason: TemporaryReason };
}

const MAX_FETCHES = 40;

export async function analyzeSpf(domain: string, resolver: Resolver): Promise<SpfAnalysis> {
  const problems: SpfProblem[] = [];
  let lookups = 0;
  let fetches = 0;
  let temporary: SpfAnalysis['temporary'];
  let top: string[] = [];

  async function walk(name: string, path: string[]): Promise<void> {
    if (temporary || fetches >= MAX_FETCHES) return;
    fetches++;
    const res = await resolver.txt(name);
    if (res.status === 'temporary') {
      temporary = { name, reason: res.reason };
      return;
    }
    const spf = res.status === 'ok' ? res.records.map((r) => r.text).filter(isSpfRecord) : [];
    if (path.length === 0) top = spf;
    if (spf.length === 0) {
      if (path.length === 0) problems.push({ code: 'missing', severity: 'fail', text: `${name} has no SPF record` });
      else
        problems.push({
          code: 'include-missing',
          severity: 'fail',
          text: `${name} (reached through ${path.join(' → ')}) has no SPF record, so every receiver's SPF check ends in a permanent error`,
        });
      return;
    }
    if (spf.length > 1) {
      problems.push({
        code: path.length === 0 ? 'duplicate' : 'include-duplicate',
        severity: 'fail',
        text: `${name} publishes ${spf.length} SPF records; receivers treat that as a permanent error (RFC 7208 §4.5)`,
      });
      if (path.length > 0) return;
    }
    const parsed = parseSpf(spf[0]!);
    for (const e of parsed.errors) problems.push({ code: 'syntax', severity: 'fail', text: `${name}: ${e}` });
    const hasAll = parsed.terms.some((t) => t.kind === 'mechanism' && t.name === 'all');
    for (const t of parsed.terms) {
      if (t.kind === 'modifier' && t.name === 'redirect' && hasAll) continue; // ignored when "all" exists
      if (LOOKUP_TERMS.has(t.name)) lookups++;
      if (t.kind === 'mechanism' && t.name === 'all' && t.qualifier === '+') {
        problems.push({
          code: 'pass-all',
          severity: 'fail',
          text: `${name} ends in "${t.raw}", which lets anyone on the internet send mail as this domain`,
        });
      }
      if (t.kind === 'mechanism' && t.name === 'ptr') {
        problems.push({ code: 'ptr', severity: 'warning', text: `${name} uses "ptr", which RFC 7208 says not to use; many receivers ignore it` });
      }
      const target = t.kind === 'mechanism' && t.name === 'include' ? t.value : t.kind === 'modifier' && t.name === 'redirect' ? t.value : '';
      if (!target || target.includes('%')) continue; // macros depend on the sender; not followed
      const next = target.toLowerCase().replace(/\.$/, '');
      if (next === name || path.includes(next)) {
        problems.push({ code: 'loop', severity: 'fail', text: `SPF include loop: ${[...path, name, next].join(' → ')}` });
        continue;
      }
      await walk(next, [...path, name]);
    }
  }

  await walk(domain.toLowerCase(), []);
  if (lookups > 10) {
    problems.push({
      code: 'too-many-lookups',
      severity: 'fail',
      text: `the SPF record needs ${lookups} DNS lookups; receivers stop at 10 and fail SPF for every message. Remove includes you no longer use, or replace them with the ip4:/ip6: ranges they list`,
    });
  }
  return { records: top.map((r) => r.slice(0, 4096)), lookups, problems, temporary };
}
