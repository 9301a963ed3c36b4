// mailauth asks DNS through a `(name, type) => Promise<records>` function that throws
// node:dns-style errors. This adapter feeds it from our Resolver, so SPF evaluation uses the
// same servers, cache and typed failures as everything else.
import type { DnsAnswer, Resolver } from '../dns/resolver.ts';

const CODES = { servfail: 'ESERVFAIL', timeout: 'ETIMEOUT', refused: 'EREFUSED', unreachable: 'ECONNREFUSED', error: 'EBADRESP' } as const;

function unwrap<T>(name: string, a: DnsAnswer<T>): T[] {
  if (a.status === 'ok') return a.records;
  const code = a.status === 'nxdomain' ? 'ENOTFOUND' : a.status === 'nodata' ? 'ENODATA' : CODES[a.reason];
  const err = new Error(`${code} ${name}`) as NodeJS.ErrnoException;
  err.code = code;
  throw err;
}

export type MailauthResolver = (name: string, type: string) => Promise<any[]>;

export function mailauthResolver(resolver: Resolver): MailauthResolver {
  return async (name, type) => {
    switch (type.toUpperCase()) {
      case 'TXT':
        return unwrap(name, await resolver.txt(name)).map((r) => r.strings);
      case 'A':
        return unwrap(name, await resolver.a(name));
      case 'AAAA':
        return unwrap(name, await resolver.aaaa(name));
      case 'MX': {
        // SPF's mx mechanism has no implicit-A fallback (RFC 7208 §5.4).
        const mx = await resolver.mx(name);
        if (mx.status === 'ok') {
          if (mx.implicit) return unwrap(name, { status: 'nodata' });
          return mx.hosts;
        }
        if (mx.status === 'null-mx') return [];
        return unwrap(name, mx);
      }
      case 'PTR': {
        const m = /^(.*)\.(in-addr|ip6)\.arpa$/i.exec(name);
        if (!m) return unwrap(name, { status: 'nxdomain' });
        const labels = m[1]!.split('.').reverse();
        const ip = m[2] === 'in-addr' ? labels.join('.') : (labels.join('').match(/.{4}/g) ?? []).join(':');
        return unwrap(name, await resolver.ptr(ip));
      }
      default:
        return unwrap(name, { status: 'temporary', reason: 'error', message: `unsupported type ${type}` });
    }
  };
}
