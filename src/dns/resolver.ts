// The one DNS interface of Relais (MTA routing, domain checks, blocklists, PTR checks).
// Every answer is a typed outcome: a name that does not exist (NXDOMAIN) or has no records
// of the type (NODATA) is a fact about the domain, while SERVFAIL, timeouts and refusals are
// facts about the network. Callers must never turn the second kind into "not set up".
import { isIP } from 'node:net';
import { RelaisError } from '../core/errors.ts';

export type TemporaryReason = 'servfail' | 'timeout' | 'refused' | 'unreachable' | 'error';

export type DnsAnswer<T> =
  | { status: 'ok'; records: T[]; ttl: number }
  | { status: 'nxdomain' }
  | { status: 'nodata' }
  | { status: 'temporary'; reason: TemporaryReason; message: string };

export type DnsNegative = { status: 'nxdomain' } | { status: 'nodata' };
export type DnsTemporary = Extract<DnsAnswer<never>, { status: 'temporary' }>;

/** One TXT record: its character-strings as published, and joined (as SPF/DKIM/DMARC read it). */
export interface TxtRecord {
  text: string;
  strings: string[];
}

export interface MxHost {
  exchange: string;
  priority: number;
}

/**
 * MX outcome. `implicit` means the domain has no MX but has an address record, so mail goes
 * to the domain itself (RFC 5321 §5.1). `null-mx` is RFC 7505 "MX 0 ." : the domain accepts no mail.
 */
export type MxAnswer =
  | { status: 'ok'; hosts: MxHost[]; implicit: boolean; ttl: number }
  | { status: 'null-mx'; ttl: number }
  | DnsNegative
  | DnsTemporary;

export interface Resolver {
  a(name: string): Promise<DnsAnswer<string>>;
  aaaa(name: string): Promise<DnsAnswer<string>>;
  /** MX hosts sorted by priority, with null-MX and implicit-A/AAAA fallback. */
  mx(domain: string): Promise<MxAnswer>;
  txt(name: string): Promise<DnsAnswer<TxtRecord>>;
  /** The CNAME at exactly this name (not followed). */
  cname(name: string): Promise<DnsAnswer<string>>;
  /** PTR names of an IP address (IPv4 or IPv6). */
  ptr(ip: string): Promise<DnsAnswer<string>>;
  /**
   * A blocklist query (e.g. "2.0.0.127.zen.spamhaus.org"): the A records when listed, null
   * when not listed (NXDOMAIN or NODATA). Throws DnsTemporaryError when the list cannot be asked.
   */
  dnsblLookup(name: string): Promise<string[] | null>;
}

export class DnsTemporaryError extends RelaisError {
  readonly reason: TemporaryReason;
  constructor(name: string, answer: DnsTemporary) {
    super('dns_temporary', `DNS lookup of ${name} failed temporarily (${answer.reason}): ${answer.message}`, 503);
    this.name = 'DnsTemporaryError';
    this.reason = answer.reason;
  }
}

export function isTemporary<T>(a: DnsAnswer<T> | MxAnswer): a is DnsTemporary {
  return a.status === 'temporary';
}

/** The reverse-lookup name of an IP: 4.3.2.1.in-addr.arpa or the ip6.arpa nibble form. */
export function reverseName(ip: string): string {
  const v = isIP(ip);
  if (v === 4) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  if (v === 6) return `${expandIPv6(ip).replace(/:/g, '').split('').reverse().join('.')}.ip6.arpa`;
  throw new RangeError(`not an IP address: ${ip}`);
}

/** "2001:db8::1" → "2001:0db8:0000:0000:0000:0000:0000:0001" (also handles an embedded IPv4 tail). */
export function expandIPv6(ip: string): string {
  let s = ip.toLowerCase();
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (v4) {
    const n = v4.slice(1).map(Number);
    s = s.slice(0, v4.index) + ((n[0]! << 8) | n[1]!).toString(16) + ':' + ((n[2]! << 8) | n[3]!).toString(16);
  }
  const [head, tail] = s.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.map((g) => g.padStart(4, '0')).join(':');
}

/** Lower-case, no trailing dot: the form names are compared and cached in. */
export function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}
