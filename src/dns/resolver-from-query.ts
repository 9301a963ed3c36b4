// The behaviour every Resolver shares (MX fallback rules, TXT joining, PTR names, DNSBL
// answers), built on one raw per-type query function. The real resolver and the in-memory
// test double differ only in that function, so tests of other modules exercise the same rules.
import { isIP } from 'node:net';
import {
  type DnsAnswer,
  DnsTemporaryError,
  type MxAnswer,
  type MxHost,
  normalizeName,
  type Resolver,
  reverseName,
  type TxtRecord,
} from './resolver.ts';

export interface RawRecordTypes {
  A: string;
  AAAA: string;
  MX: MxHost;
  /** The record's character-strings. */
  TXT: string[];
  CNAME: string;
  PTR: string;
}
export type RawType = keyof RawRecordTypes;
export type RawQuery = <K extends RawType>(name: string, type: K) => Promise<DnsAnswer<RawRecordTypes[K]>>;

export function resolverFromQuery(query: RawQuery): Resolver {
  const q = <K extends RawType>(name: string, type: K) => query(normalizeName(name), type);

  async function mx(domain: string): Promise<MxAnswer> {
    const name = normalizeName(domain);
    const res = await q(name, 'MX');
    if (res.status === 'ok') {
      const real = res.records.filter((r) => r.exchange !== '' && r.exchange !== '.');
      // RFC 7505: a lone "MX 0 ." means no mail. A null MX mixed with real ones is a
      // misconfiguration; the real hosts win (as Postfix does).
      if (real.length === 0) return { status: 'null-mx', ttl: res.ttl };
      const hosts = real
        .map((r) => ({ exchange: normalizeName(r.exchange), priority: r.priority }))
        .sort((a, b) => a.priority - b.priority || a.exchange.localeCompare(b.exchange));
      return { status: 'ok', hosts, implicit: false, ttl: res.ttl };
    }
    if (res.status !== 'nodata') return res;
    // RFC 5321 §5.1: no MX but an address record: the domain is its own implicit MX.
    const [a, aaaa] = await Promise.all([q(name, 'A'), q(name, 'AAAA')]);
    const ok = [a, aaaa].find((x) => x.status === 'ok');
    if (ok && ok.status === 'ok') {
      return { status: 'ok', hosts: [{ exchange: name, priority: 0 }], implicit: true, ttl: ok.ttl };
    }
    const temp = [a, aaaa].find((x) => x.status === 'temporary');
    if (temp && temp.status === 'temporary') return temp;
    return { status: 'nodata' };
  }

  async function txt(name: string): Promise<DnsAnswer<TxtRecord>> {
    const res = await q(name, 'TXT');
    if (res.status !== 'ok') return res;
    return { ...res, records: res.records.map((strings) => ({ text: strings.join(''), strings })) };
  }

  return {
    a: (name) => q(name, 'A'),
    aaaa: (name) => q(name, 'AAAA'),
    mx,
    txt,
    cname: async (name) => {
      const res = await q(name, 'CNAME');
      return res.status === 'ok' ? { ...res, records: res.records.map(normalizeName) } : res;
    },
    ptr: async (ip) => {
      if (!isIP(ip)) throw new RangeError(`not an IP address: ${ip}`);
      const res = await q(reverseName(ip), 'PTR');
      return res.status === 'ok' ? { ...res, records: res.records.map(normalizeName) } : res;
    },
    dnsblLookup: async (name) => {
      const res = await q(name, 'A');
      if (res.status === 'ok') return res.records;
      if (res.status === 'temporary') throw new DnsTemporaryError(name, res);
      return null;
    },
  };
}
