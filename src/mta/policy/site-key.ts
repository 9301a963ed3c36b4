// Queue keys. A site is where a ready queue delivers: a catalogue provider (so every
// Gmail-hosted domain shares Gmail's limits), else the domain's MX host set (so domains on
// the same unknown MX share one set of limits too, like KumoMTA's MX rollup).
import { matchProvider, normalizeHost } from './provider-catalogue.ts';
import type { Provider } from './provider-types.ts';

/**
 * The site key for a destination. Provider ids never contain dots and MX sets always do,
 * so the two kinds of key cannot collide. The MX set is sorted, lowercased and
 * deduplicated: the same hosts in another order or case are the same site.
 */
export function siteKeyFor(dest: { provider?: Provider | undefined; mxHosts: readonly string[] }): string {
  const provider = dest.provider ?? matchProvider(dest.mxHosts);
  if (provider) return provider.id;
  const hosts = [...new Set(dest.mxHosts.map(normalizeHost))].filter((h) => h.length > 0).sort();
  return hosts.join(',');
}

/** Ready queue per egress IP and site: `"<ip> -> <site>"`. */
export function readyQueueKey(egressIp: string, siteKey: string): string {
  return `${egressIp} -> ${siteKey}`;
}

/** Scheduled queue per tenant, campaign and destination domain: `"tenant:campaign@domain"` (campaign may be empty). */
export function scheduledQueueKey(tenant: string | number, campaign: string | undefined, domain: string): string {
  return `${tenant}:${campaign ?? ''}@${normalizeHost(domain)}`;
}
