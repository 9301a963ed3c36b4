// An in-memory Resolver for unit tests of other modules (MTA routing, blocklists, checks):
// same outcome types and MX/TXT/PTR rules as the real one, no sockets.
//
//   const dns = new MemoryResolver({ 'example.com': { MX: ['10 mx.example.com'] },
//                                    'mx.example.com': { A: ['192.0.2.1'] } });
//   dns.fail('example.org', '*', 'timeout');
import type { DnsAnswer, MxHost, Resolver, TemporaryReason } from './resolver.ts';
import { normalizeName, reverseName } from './resolver.ts';
import { type RawQuery, type RawRecordTypes, type RawType, resolverFromQuery } from './resolver-from-query.ts';

export interface MemoryRecords {
  A?: string[];
  AAAA?: string[];
  /** "10 mx.example.com" or { exchange, priority }; "0 ." is a null MX. */
  MX?: Array<string | MxHost>;
  /** A string, or the record's character-strings. */
  TXT?: Array<string | string[]>;
  CNAME?: string;
  PTR?: string[];
}

function toRaw(type: RawType, recs: MemoryRecords): unknown[] | undefined {
  switch (type) {
    case 'MX':
      return recs.MX?.map((m) => {
        if (typeof m !== 'string') return m;
        const [p, host] = m.trim().split(/\s+/);
        return { priority: Number(p), exchange: host === '.' ? '' : normalizeName(host ?? '') };
      });
    case 'TXT':
      return recs.TXT?.map((t) => (typeof t === 'string' ? [t] : t));
    case 'CNAME':
      return recs.CNAME ? [normalizeName(recs.CNAME)] : undefined;
    default:
      return recs[type];
  }
}

export class MemoryResolver implements Resolver {
  readonly names = new Map<string, MemoryRecords>();
  readonly failures = new Map<string, TemporaryReason>();
  /** Every raw query, "TYPE name". */
  readonly queries: string[] = [];
  private readonly impl: Resolver;

  constructor(records: Record<string, MemoryRecords> = {}) {
    for (const [name, recs] of Object.entries(records)) this.names.set(normalizeName(name), { ...recs });
    this.impl = resolverFromQuery(this.query);
  }

  set<K extends keyof MemoryRecords>(name: string, type: K, value: MemoryRecords[K] | undefined): void {
    const n = normalizeName(name);
    const recs = { ...this.names.get(n), [type]: value };
    this.names.set(n, recs);
  }

  /** PTR convenience: setPtr('192.0.2.1', ['mail.example.com']). */
  setPtr(ip: string, names: string[]): void {
    this.set(reverseName(ip), 'PTR', names);
  }

  fail(name: string, type: RawType | '*', reason: TemporaryReason): void {
    this.failures.set(`${normalizeName(name)}|${type}`, reason);
  }

  private readonly query: RawQuery = async <K extends RawType>(name: string, type: K) => {
    this.queries.push(`${type} ${name}`);
    const seen = new Set<string>();
    let n = name;
    for (;;) {
      const reason = this.failures.get(`${n}|${type}`) ?? this.failures.get(`${n}|*`);
      if (reason) return { status: 'temporary', reason, message: `simulated ${reason}` } as DnsAnswer<RawRecordTypes[K]>;
      const recs = this.names.get(n);
      const exists = recs !== undefined || [...this.names.keys()].some((k) => k.endsWith(`.${n}`));
      if (!exists) return { status: 'nxdomain' };
      const raw = recs ? toRaw(type, recs) : undefined;
      if (raw && raw.length > 0) return { status: 'ok', records: raw as RawRecordTypes[K][], ttl: 300 };
      if (type !== 'CNAME' && recs?.CNAME && !seen.has(n)) {
        seen.add(n);
        n = normalizeName(recs.CNAME);
        continue;
      }
      return { status: 'nodata' };
    }
  };

  a = (name: string) => this.impl.a(name);
  aaaa = (name: string) => this.impl.aaaa(name);
  mx = (domain: string) => this.impl.mx(domain);
  txt = (name: string) => this.impl.txt(name);
  cname = (name: string) => this.impl.cname(name);
  ptr = (ip: string) => this.impl.ptr(ip);
  dnsblLookup = (name: string) => this.impl.dnsblLookup(name);
}
