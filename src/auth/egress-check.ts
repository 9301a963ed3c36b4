// Egress IP check: forward-confirmed reverse DNS (PTR → name → the same IP), a HELO name
// that is that name, and a PTR that does not look generic. Gmail requires FCrDNS, Yahoo and
// GMX a non-generic PTR in the sender's domain, T-Online a name leading to the operator.
import { isIP } from 'node:net';
import type { Resolver } from '../dns/resolver.ts';
import { expandIPv6, normalizeName } from '../dns/resolver.ts';
import { type RecordCheck, type Verdict, temporaryExplanation, worstVerdict } from './check-types.ts';

export interface EgressCheckInput {
  ip: string;
  helo: string;
  resolver: Resolver;
}

export interface EgressCheckResult {
  ip: string;
  helo: string;
  verdict: Verdict;
  /** PTR names found. */
  ptr: string[];
  /** Those of them whose A/AAAA records include the IP. */
  forwardConfirmed: string[];
  checks: RecordCheck[];
}

const sameIp = (a: string, b: string) => (isIP(a) === 6 && isIP(b) === 6 ? expandIPv6(a) === expandIPv6(b) : a === b);

/** Names like "192-0-2-1.dsl.example.net" or "host-1-2-3-4.pool.isp.example" that receivers treat as consumer lines. */
export function looksGeneric(name: string, ip: string): boolean {
  const parts = isIP(ip) === 4 ? ip.split('.') : [];
  if (parts.length === 4) {
    const dashed = parts.join('[-.x]?');
    const reversed = [...parts].reverse().join('[-.x]?');
    if (new RegExp(`(^|[^0-9])(${dashed}|${reversed})([^0-9]|$)`).test(name)) return true;
  }
  return /(^|[.-])(dsl|adsl|dyn|dynamic|dhcp|pool|dial|dialup|cable|ppp|client|customer|static|broadband|cust)[0-9]*([.-]|$)/.test(name);
}

async function addresses(resolver: Resolver, name: string, ip: string) {
  return isIP(ip) === 6 ? resolver.aaaa(name) : resolver.a(name);
}

export async function checkEgressIp({ ip, helo, resolver }: EgressCheckInput): Promise<EgressCheckResult> {
  const heloName = normalizeName(helo);
  const checks: RecordCheck[] = [];
  const ptrRes = await resolver.ptr(ip);
  const ptr = ptrRes.status === 'ok' ? ptrRes.records.slice(0, 10) : [];
  const forwardConfirmed: string[] = [];
  const ptrBase = { id: 'ptr', type: 'PTR' as const, name: ip, required: true, expected: heloName };

  if (ptrRes.status === 'temporary') {
    checks.push({ ...ptrBase, found: [], verdict: 'temporary-error', problems: ['temporary'], explanation: temporaryExplanation(`the PTR of ${ip}`, ptrRes.reason) });
  } else if (ptr.length === 0) {
    checks.push({
      ...ptrBase,
      found: [],
      verdict: 'fail',
      problems: ['missing'],
      explanation: `${ip} has no reverse DNS (PTR). Gmail and most European providers refuse such mail. Ask whoever runs the IP range to set its PTR to ${heloName}.`,
    });
  } else {
    let temporary: string | undefined;
    for (const name of ptr) {
      const fwd = await addresses(resolver, name, ip);
      if (fwd.status === 'ok' && fwd.records.some((a) => sameIp(a, ip))) forwardConfirmed.push(name);
      else if (fwd.status === 'temporary') temporary = name;
    }
    if (forwardConfirmed.length === 0 && temporary) {
      const fwd = await addresses(resolver, temporary, ip);
      checks.push({ ...ptrBase, found: ptr, verdict: 'temporary-error', problems: ['temporary'], explanation: temporaryExplanation(temporary, fwd.status === 'temporary' ? fwd.reason : 'error') });
    } else if (forwardConfirmed.length === 0) {
      checks.push({
        ...ptrBase,
        found: ptr,
        verdict: 'fail',
        problems: ['not-forward-confirmed'],
        explanation: `${ip} reverses to ${ptr.join(', ')}, but ${ptr.length > 1 ? 'none of these names resolves' : 'that name does not resolve'} back to ${ip} (forward-confirmed reverse DNS fails). Publish ${ptr[0]}. ${isIP(ip) === 6 ? 'AAAA' : 'A'} ${ip}.`,
      });
    } else if (forwardConfirmed.some((n) => looksGeneric(n, ip))) {
      checks.push({
        ...ptrBase,
        found: ptr,
        verdict: 'warning',
        problems: ['generic'],
        explanation: `${ip} has forward-confirmed reverse DNS (${forwardConfirmed.join(', ')}), but the name looks generic (like a consumer line). Yahoo, GMX and WEB.DE want a name in your own domain, e.g. ${heloName}.`,
      });
    } else {
      checks.push({ ...ptrBase, found: ptr, verdict: 'pass', problems: [], explanation: `${ip} reverses to ${forwardConfirmed.join(', ')}, which resolves back to ${ip}.` });
    }
  }

  // HELO: a resolvable FQDN pointing at this IP, ideally the PTR name itself.
  const heloBase = { id: 'helo', type: 'A' as const, name: heloName, required: true, expected: ip };
  if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]$/.test(heloName)) {
    checks.push({ ...heloBase, found: [], verdict: 'fail', problems: ['not-fqdn'], explanation: `The HELO name "${heloName}" is not a fully qualified domain name; receivers (GMX, WEB.DE) reject that. Use ${ptr[0] ?? 'a name like mail1.example.net'}.` });
  } else {
    const fwd = await addresses(resolver, heloName, ip);
    const found = fwd.status === 'ok' ? fwd.records : [];
    if (fwd.status === 'temporary') {
      checks.push({ ...heloBase, found, verdict: 'temporary-error', problems: ['temporary'], explanation: temporaryExplanation(heloName, fwd.reason) });
    } else if (!found.some((a) => sameIp(a, ip))) {
      checks.push({
        ...heloBase,
        found,
        verdict: 'fail',
        problems: ['helo-not-resolving'],
        explanation: `The HELO name ${heloName} does not resolve to ${ip}${found.length > 0 ? ` (it resolves to ${found.join(', ')})` : ''}. Publish ${heloName}. ${isIP(ip) === 6 ? 'AAAA' : 'A'} ${ip}.`,
      });
    } else if (forwardConfirmed.length > 0 && !forwardConfirmed.includes(heloName)) {
      checks.push({
        ...heloBase,
        found,
        verdict: 'warning',
        problems: ['helo-ptr-mismatch'],
        explanation: `The HELO name ${heloName} resolves to ${ip} but differs from its PTR name ${forwardConfirmed[0]}. Greet with ${forwardConfirmed[0]} or change the PTR to ${heloName}.`,
      });
    } else {
      checks.push({ ...heloBase, found, verdict: 'pass', problems: [], explanation: `The HELO name ${heloName} resolves to ${ip}${forwardConfirmed.includes(heloName) ? ' and matches its PTR' : ''}.` });
    }
  }
  return { ip, helo: heloName, verdict: worstVerdict(checks.map((c) => c.verdict)), ptr, forwardConfirmed, checks };
}
