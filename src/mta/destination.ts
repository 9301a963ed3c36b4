// Where mail for a domain goes: a static route (Postfix transport map: exact domain, then
// `*`) or the domain's MX hosts, and the site whose shaping applies (catalogue provider,
// else the MX host set). Answers are cached briefly per domain; the Resolver caches DNS.
import { isIP } from 'node:net';
import type { Resolver } from '../dns/resolver.ts';
import { applyMtaSts, fetchMtaStsPolicy, type MtaStsIo } from './policy/mta-sts.ts';
import { matchProvider } from './policy/provider-catalogue.ts';
import { siteKeyFor } from './policy/site-key.ts';

export interface TargetHost {
  /** host name (for SNI and logs) or literal IP */
  host: string;
  port: number;
}

export type Destination =
  | {
      kind: 'ok';
      site: string;
      provider?: string;
      hosts: TargetHost[];
      routed: boolean;
      /** the domain's MTA-STS policy is in enforce mode: STARTTLS with a valid certificate for the MX name */
      verifyTls?: boolean;
    }
  /** the domain accepts no mail (null MX) or does not exist: bounce */
  | { kind: 'permanent'; error: 'null-mx' | 'dns-no-domain'; text: string }
  /** DNS could not answer now, or no MX is allowed by the domain's MTA-STS policy: defer */
  | { kind: 'temporary'; error: 'dns-temporary' | 'mta-sts-mx-mismatch'; text: string };

export interface RouteEntry {
  domain: string;
  host: string;
  port: number;
}

/** Parses "domain=host:port" settings (RELAIS_ROUTES) into entries. */
export function parseRouteSetting(s: string): RouteEntry {
  const m = /^([^=\s]+)=(\[[0-9a-f:.]+\]|[^:\s]+):(\d{1,5})$/i.exec(s.trim());
  if (!m) throw new Error(`route "${s}" must be domain=host:port`);
  return { domain: m[1].toLowerCase(), host: m[2].replace(/^\[|\]$/g, ''), port: Number(m[3]) };
}

export class DestinationResolver {
  readonly #resolver: Resolver;
  readonly #mxPort: number;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, { at: number; dest: Destination }>();
  #routes = new Map<string, RouteEntry>();
  readonly #mtaSts: MtaStsIo | undefined;

  /** mtaSts: how to discover policies (RFC 8461); undefined = not enforced (tests, labs) */
  constructor(opts: { resolver: Resolver; routes?: RouteEntry[]; mxPort?: number; cacheMs?: number; mtaSts?: MtaStsIo }) {
    this.#resolver = opts.resolver;
    this.#mtaSts = opts.mtaSts;
    this.#mxPort = opts.mxPort ?? 25;
    this.#ttlMs = opts.cacheMs ?? 30_000;
    this.setRoutes(opts.routes ?? []);
  }

  /** Replaces the static routes (config first, then the store's, which win on conflict). */
  setRoutes(routes: RouteEntry[]): void {
    const next = new Map(routes.map((r) => [r.domain, r]));
    const changed = next.size !== this.#routes.size || [...next].some(([d, r]) => {
      const o = this.#routes.get(d);
      return !o || o.host !== r.host || o.port !== r.port;
    });
    this.#routes = next;
    if (changed) this.#cache.clear();
  }

  async resolve(domain: string, now = Date.now()): Promise<Destination> {
    const d = domain.toLowerCase();
    const hit = this.#cache.get(d);
    if (hit && now - hit.at < this.#ttlMs) return hit.dest;
    const dest = await this.#lookup(d);
    if (dest.kind !== 'temporary') this.#cache.set(d, { at: now, dest });
    if (this.#cache.size > 100_000) this.#cache.clear();
    return dest;
  }

  async #lookup(domain: string): Promise<Destination> {
    const route = this.#routes.get(domain) ?? this.#routes.get('*');
    if (route) {
      // A routed destination is its own site: shaping applies per relay host.
      return { kind: 'ok', site: `route:${route.host}:${route.port}`, hosts: [{ host: route.host, port: route.port }], routed: true };
    }
    const mx = await this.#resolver.mx(domain);
    switch (mx.status) {
      case 'ok': {
        const names = mx.hosts.map((h) => h.exchange);
        const provider = matchProvider(names);
        let hosts = names;
        let verifyTls = false;
        if (this.#mtaSts && !mx.implicit) {
          const sts = applyMtaSts(names, await fetchMtaStsPolicy(domain, this.#mtaSts));
          if (sts.hosts.length === 0) {
            return { kind: 'temporary', error: 'mta-sts-mx-mismatch', text: `451 4.7.5 no MX of ${domain} matches its MTA-STS policy (${names.join(', ')})` };
          }
          hosts = sts.hosts;
          verifyTls = sts.requireValidTls;
        }
        const dest: Destination = {
          kind: 'ok',
          site: siteKeyFor({ provider, mxHosts: names }),
          hosts: hosts.map((host) => ({ host, port: this.#mxPort })),
          routed: false,
        };
        if (verifyTls) dest.verifyTls = true;
        if (provider) dest.provider = provider.id;
        return dest;
      }
      case 'null-mx':
        return { kind: 'permanent', error: 'null-mx', text: `556 5.1.10 ${domain} does not accept mail (null MX, RFC 7505)` };
      case 'nxdomain':
        return { kind: 'permanent', error: 'dns-no-domain', text: `550 5.1.2 ${domain} does not exist (NXDOMAIN)` };
      case 'nodata':
        return { kind: 'permanent', error: 'dns-no-domain', text: `550 5.1.2 ${domain} has no MX or address records` };
      case 'temporary':
        return { kind: 'temporary', error: 'dns-temporary', text: `451 4.4.3 DNS lookup of ${domain} failed: ${mx.reason}` };
    }
  }

  /** The addresses to connect to for one host: the host itself if it is an IP, else its A records. */
  async addresses(host: string): Promise<string[]> {
    if (isIP(host)) return [host];
    const a = await this.#resolver.a(host);
    if (a.status === 'ok') return a.records;
    const aaaa = await this.#resolver.aaaa(host);
    return aaaa.status === 'ok' ? aaaa.records : [];
  }
}
