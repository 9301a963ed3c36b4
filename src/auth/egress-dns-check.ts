// The egress-IP DNS check (FCrDNS + HELO) as shown to operators by `relais ip show` and
// GET /v1/admin/ips/{id}. Both run it on demand, so it must answer quickly: short per-query
// timeouts, no cache (an operator who just fixed a record wants to see it), and an overall
// deadline so an unreachable DNS server yields a 'temporary-error' verdict, never a hang.
import type { Config } from '../core/config.ts';
import { createDnsResolver } from '../dns/node-resolver.ts';
import type { Resolver } from '../dns/resolver.ts';
import type { RecordCheck, Verdict } from './check-types.ts';
import { checkEgressIp } from './egress-check.ts';

export interface EgressDnsCheck {
  verdict: Verdict;
  /** PTR names found for the IP. */
  ptr: string[];
  /** Those of them that resolve back to the IP. */
  forward_confirmed: string[];
  /** One plain-English line per check that did not pass: what is wrong and what to publish. */
  warnings: string[];
  checks: RecordCheck[];
}

export interface EgressDnsCheckOptions {
  config: Pick<Config, 'dnsServers'>;
  /** Per-query timeout (ms, default 1000, one try per server). */
  timeoutMs?: number;
  /** Whole check (ms, default 4000): PTR, up to 10 forward lookups and the HELO lookup. */
  deadlineMs?: number;
  /** Replaces the resolver built from config.dnsServers. */
  resolver?: Resolver;
}

export async function egressDnsCheck(ip: { ip: string; helo: string }, opts: EgressDnsCheckOptions): Promise<EgressDnsCheck> {
  const timeoutMs = opts.timeoutMs ?? 1000;
  const deadlineMs = opts.deadlineMs ?? 4000;
  const servers = opts.config.dnsServers.length > 0 ? opts.config.dnsServers : undefined;
  const resolver = opts.resolver ?? createDnsResolver({ servers, timeoutMs, tries: 1, cache: false });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), deadlineMs);
  });
  try {
    const r = await Promise.race([checkEgressIp({ ip: ip.ip, helo: ip.helo, resolver }), deadline]);
    if (r === 'deadline') {
      const explanation = `The DNS lookups for ${ip.ip} and ${ip.helo} did not finish within ${deadlineMs / 1000} s. This is a temporary problem with DNS, not a verdict on your records; check again later.`;
      return {
        verdict: 'temporary-error',
        ptr: [],
        forward_confirmed: [],
        warnings: [explanation],
        checks: [{ id: 'ptr', type: 'PTR', name: ip.ip, required: true, expected: ip.helo, found: [], verdict: 'temporary-error', problems: ['temporary'], explanation }],
      };
    }
    return {
      verdict: r.verdict,
      ptr: r.ptr,
      forward_confirmed: r.forwardConfirmed,
      warnings: r.checks.filter((c) => c.verdict !== 'pass').map((c) => c.explanation),
      checks: r.checks,
    };
  } finally {
    clearTimeout(timer);
  }
}
