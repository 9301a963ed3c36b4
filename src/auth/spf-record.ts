// SPF (RFC 7208) records as text: recognising, parsing, merging our include into a tenant's
// existing record (never a second record), and the operator's own record for its egress IPs.
import { isIP } from 'node:net';

export type SpfQualifier = '+' | '-' | '~' | '?';
export type SpfTerm =
  | { kind: 'mechanism'; qualifier: SpfQualifier; name: string; value: string; raw: string }
  | { kind: 'modifier'; name: string; value: string; raw: string };

const MECHANISMS = ['all', 'include', 'a', 'mx', 'ptr', 'ip4', 'ip6', 'exists'];
/** Mechanisms and modifiers that cost a DNS lookup (RFC 7208 §4.6.4). */
export const LOOKUP_TERMS = new Set(['include', 'a', 'mx', 'ptr', 'exists', 'redirect']);

export function isSpfRecord(text: string): boolean {
  return /^v=spf1(\s|$)/i.test(text.trim());
}

export interface ParsedSpf {
  terms: SpfTerm[];
  errors: string[];
}

export function parseSpf(text: string): ParsedSpf {
  const errors: string[] = [];
  const terms: SpfTerm[] = [];
  if (/[^\x20-\x7e]/.test(text)) errors.push('the record contains characters that are not printable ASCII');
  const parts = text.trim().split(/\s+/).slice(1);
  for (const raw of parts) {
    const mod = /^([a-z][a-z0-9_.-]*)=(.*)$/i.exec(raw);
    if (mod) {
      terms.push({ kind: 'modifier', name: mod[1]!.toLowerCase(), value: mod[2]!, raw });
      continue;
    }
    const m = /^([+\-~?]?)([a-z0-9]+)([:/].*)?$/i.exec(raw);
    const name = m?.[2]?.toLowerCase();
    if (!m || !name || !MECHANISMS.includes(name)) {
      errors.push(`"${raw.slice(0, 60)}" is not an SPF mechanism`);
      continue;
    }
    const value = m[3]?.startsWith(':') ? m[3].slice(1) : (m[3] ?? '');
    if ((name === 'include' || name === 'exists') && !value) errors.push(`"${raw}" needs a domain`);
    if ((name === 'ip4' || name === 'ip6') && !isIP(value.split('/')[0]!)) errors.push(`"${raw}" is not a valid address`);
    terms.push({ kind: 'mechanism', qualifier: (m[1] || '+') as SpfQualifier, name, value, raw });
  }
  if (terms.filter((t) => t.kind === 'modifier' && t.name === 'redirect').length > 1) errors.push('more than one redirect=');
  return { terms, errors };
}

/** The include term for a host, e.g. "include:_spf.relais.example.net". */
export function spfIncludeTerm(host: string): string {
  return `include:${host}`;
}

/** Does the record already reference our include (any qualifier but "-")? */
export function hasInclude(text: string, host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return parseSpf(text).terms.some(
    (t) => t.kind === 'mechanism' && t.name === 'include' && t.qualifier !== '-' && t.value.toLowerCase().replace(/\.$/, '') === h,
  );
}

export interface SpfMerge {
  record: string;
  action: 'create' | 'replace' | 'none';
  /** The record(s) this replaces; with several, all but one must be deleted. */
  replaces: string[];
}

/**
 * Merges our include into the domain's SPF. With no record: a new one ending in ~all. With
 * one: our include goes right after "v=spf1" (before any all/redirect, so it is reached).
 * With several (a permanent error for every receiver): their terms are combined into one.
 */
export function mergeSpf(existing: readonly string[], includeHost: string): SpfMerge {
  const spf = existing.filter(isSpfRecord);
  const inc = spfIncludeTerm(includeHost);
  if (spf.length === 0) return { record: `v=spf1 ${inc} ~all`, action: 'create', replaces: [] };
  if (spf.length === 1 && hasInclude(spf[0]!, includeHost)) return { record: spf[0]!.trim(), action: 'none', replaces: [] };
  const seen = new Set<string>();
  const middle: string[] = [];
  const rank = { '-': 0, '~': 1, '?': 2, '+': 3 } as const;
  let all: { qualifier: SpfQualifier; raw: string } | undefined;
  let redirect: string | undefined;
  for (const rec of spf) {
    for (const t of parseSpf(rec).terms) {
      if (t.kind === 'mechanism' && t.name === 'all') {
        // Keep the strictest "all" of the records being combined.
        if (!all || rank[t.qualifier] < rank[all.qualifier]) all = t;
        continue;
      }
      if (t.kind === 'modifier' && t.name === 'redirect') {
        redirect ??= t.raw;
        continue;
      }
      if (!seen.has(t.raw.toLowerCase())) {
        seen.add(t.raw.toLowerCase());
        middle.push(t.raw);
      }
    }
  }
  if (!hasInclude(spf.join(' '), includeHost)) middle.unshift(inc);
  // "all" makes a redirect meaningless (RFC 7208 §6.1): keep one of them.
  // "+all" authorises the whole internet; the merged record ends in ~all instead.
  const tail = all ? [all.qualifier === '+' ? '~all' : all.raw] : redirect ? [redirect] : ['~all'];
  return { record: ['v=spf1', ...middle, ...tail].join(' '), action: 'replace', replaces: spf.map((s) => s.trim()) };
}

/** The operator's record at the include host: every egress IP, nothing else. */
export function operatorSpfRecord(egressIps: readonly string[]): string {
  const terms = egressIps.map((ip) => (isIP(ip) === 6 ? `ip6:${ip}` : `ip4:${ip}`));
  return ['v=spf1', ...terms, '-all'].join(' ');
}
