// Link domains against domain blocklists (Spamhaus DBL, SURBL, URIBL), through an
// injected A-record lookup so tests and operators choose the resolver. Return codes per
// deliverability.md §2.1: refusal codes (public resolver, over quota, IP queried) are
// errors to report, never listings.
import type { BlocklistZone } from './types.ts';

export const DEFAULT_BLOCKLISTS: BlocklistZone[] = [
  { zone: 'dbl.spamhaus.org', kind: 'dbl' },
  { zone: 'multi.surbl.org', kind: 'surbl' },
  { zone: 'multi.uribl.com', kind: 'uribl' },
];

export type BlocklistAnswer = { listed: false } | { listed: true; detail: string } | { error: string };

const DBL_CODES: Record<number, string> = {
  2: 'spam domain',
  4: 'phishing domain',
  5: 'malware domain',
  6: 'botnet C&C domain',
  102: 'abused legit spam',
  103: 'abused spammed redirector',
  104: 'abused legit phish',
  105: 'abused legit malware',
  106: 'abused legit botnet C&C',
};

/** Interprets the A records of one blocklist answer. */
export function interpretBlocklistAnswer(kind: BlocklistZone['kind'], addrs: string[]): BlocklistAnswer {
  const found: string[] = [];
  for (const ip of addrs) {
    const o = ip.split('.').map(Number);
    if (o.length !== 4 || o[0] !== 127) return { error: `unexpected answer ${ip} (resolver rewriting NXDOMAIN?)` };
    if (o[1] === 255 && o[2] === 255) return { error: `query refused (${ip}): use a private resolver or a data feed` };
    if (kind === 'dbl') {
      if (o[1] !== 0 || o[2] !== 1) return { error: `unexpected DBL answer ${ip}` };
      if (o[3] === 255) return { error: `query refused (${ip}): an IP was queried` };
      found.push(DBL_CODES[o[3]] ?? `code ${o[3]}`);
    } else if (kind === 'surbl') {
      if (o[3] === 1) return { error: `query refused (${ip}): access blocked` };
      const names: string[] = [];
      if (o[3] & 8) names.push('phishing');
      if (o[3] & 16) names.push('malware');
      if (o[3] & 64) names.push('abuse');
      if (o[3] & 128) names.push('cracked site');
      if (o[3] & 4) names.push('DM');
      found.push(names.join('+') || `code ${o[3]}`);
    } else {
      if (o[3] === 1) return { error: `query refused (${ip}): public resolver or volume limit` };
      const names: string[] = [];
      if (o[3] & 2) names.push('black');
      if (o[3] & 4) names.push('grey');
      if (o[3] & 8) names.push('red');
      if (names.length === 0) return { error: `unexpected URIBL answer ${ip}` };
      found.push(names.join('+'));
    }
  }
  return found.length === 0 ? { listed: false } : { listed: true, detail: found.join(', ') };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export interface BlocklistFinding {
  domain: string;
  zone: BlocklistZone;
  detail: string;
}

/** Looks every domain up in every zone; listings and errors come back separately. */
export async function lookupDomains(
  domains: string[],
  lookup: (name: string) => Promise<string[] | null>,
  zones: BlocklistZone[],
  timeoutMs: number,
): Promise<{ listed: BlocklistFinding[]; errors: string[] }> {
  const listed: BlocklistFinding[] = [];
  const errors: string[] = [];
  await Promise.all(
    domains.flatMap((domain) =>
      zones.map(async (zone) => {
        const name = `${domain}.${zone.zone}`;
        try {
          const addrs = await withTimeout(lookup(name), timeoutMs);
          if (!addrs || addrs.length === 0) return;
          const r = interpretBlocklistAnswer(zone.kind, addrs);
          if ('error' in r) errors.push(`${zone.zone}: ${domain}: ${r.error}`);
          else if (r.listed) listed.push({ domain, zone, detail: r.detail });
        } catch (err) {
          errors.push(`${zone.zone}: ${domain}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }),
    ),
  );
  return { listed, errors };
}
