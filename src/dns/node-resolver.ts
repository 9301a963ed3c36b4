// The production Resolver: node:dns (c-ares) with configurable servers, per-query timeouts,
// a TTL cache and coalescing of identical concurrent queries (a burst of mail to one domain
// asks once).
import { Resolver as CaresResolver } from 'node:dns/promises';
import { type Clock, systemClock } from '../core/clock.ts';
import { dnsServersFromEnv } from './dns-servers.ts';
import type { DnsAnswer, Resolver, TemporaryReason } from './resolver.ts';
import { type RawQuery, type RawRecordTypes, type RawType, resolverFromQuery } from './resolver-from-query.ts';
import { TtlCache, type TtlCacheOptions } from './ttl-cache.ts';

export interface DnsResolverOptions {
  /** "ip[:port]" list; default RELAIS_DNS_SERVERS, else the system's resolv.conf. */
  servers?: string[];
  /** Per-attempt timeout (ms, default 2000). */
  timeoutMs?: number;
  /** Attempts per server (default 2). */
  tries?: number;
  /** false disables caching (domain checks want fresh answers); default on. */
  cache?: false | TtlCacheOptions;
  /**
   * TTL (seconds) for answers node:dns returns without one (MX, TXT, CNAME, PTR); A and AAAA
   * carry their real TTL. Default 300.
   */
  defaultTtl?: number;
  clock?: Clock;
}

export interface DnsResolver extends Resolver {
  readonly servers: string[];
  clearCache(): void;
}

function classify(code: string | undefined): DnsAnswer<never>['status'] | TemporaryReason {
  switch (code) {
    case 'ENOTFOUND':
      return 'nxdomain';
    case 'ENODATA':
      return 'nodata';
    case 'ESERVFAIL':
      return 'servfail';
    case 'ETIMEOUT':
      return 'timeout';
    case 'EREFUSED':
      return 'refused';
    case 'ECONNREFUSED':
    case 'ECONNRESET':
      return 'unreachable';
    default:
      return 'error';
  }
}

export function createDnsResolver(opts: DnsResolverOptions = {}): DnsResolver {
  const cares = new CaresResolver({ timeout: opts.timeoutMs ?? 2000, tries: opts.tries ?? 2 });
  const servers = opts.servers ?? dnsServersFromEnv();
  if (servers && servers.length > 0) cares.setServers(servers);
  const defaultTtl = opts.defaultTtl ?? 300;
  const cache = opts.cache === false ? undefined : new TtlCache(opts.clock ?? systemClock, opts.cache);
  const inflight = new Map<string, Promise<DnsAnswer<unknown>>>();

  async function ask(name: string, type: RawType): Promise<DnsAnswer<unknown>> {
    try {
      let records: unknown[];
      let ttl = defaultTtl;
      if (type === 'A' || type === 'AAAA') {
        const rr = type === 'A' ? await cares.resolve4(name, { ttl: true }) : await cares.resolve6(name, { ttl: true });
        records = rr.map((r) => r.address);
        if (rr.length > 0) ttl = Math.min(...rr.map((r) => r.ttl));
      } else if (type === 'MX') {
        records = (await cares.resolveMx(name)).map((r) => ({ exchange: r.exchange, priority: r.priority }));
      } else if (type === 'TXT') {
        records = await cares.resolveTxt(name);
      } else if (type === 'CNAME') {
        records = await cares.resolveCname(name);
      } else {
        records = await cares.resolvePtr(name);
      }
      // An answer holding only a CNAME chain (e.g. a loop) has no records of the type.
      if (records.length === 0) return { status: 'nodata' };
      return { status: 'ok', records, ttl };
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const c = classify(e.code);
      if (c === 'nxdomain' || c === 'nodata') return { status: c };
      if (c === 'ok' || c === 'temporary') return { status: 'temporary', reason: 'error', message: String(e.message) };
      return { status: 'temporary', reason: c, message: `${e.code ?? 'error'} ${name} ${type}` };
    }
  }

  const query: RawQuery = <K extends RawType>(name: string, type: K) => {
    const key = `${type} ${name}`;
    const hit = cache?.get(key);
    if (hit) return Promise.resolve(hit as DnsAnswer<RawRecordTypes[K]>);
    let p = inflight.get(key);
    if (!p) {
      p = ask(name, type).then((answer) => {
        inflight.delete(key);
        cache?.put(key, answer);
        return answer;
      });
      inflight.set(key, p);
    }
    return p as Promise<DnsAnswer<RawRecordTypes[K]>>;
  };

  return {
    ...resolverFromQuery(query),
    servers: cares.getServers(),
    clearCache: () => cache?.clear(),
  };
}
