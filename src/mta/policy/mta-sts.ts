// MTA-STS (RFC 8461): policy parsing and MX matching (pure), and discovery with injected DNS
// and HTTPS plus a cache honouring max_age. The delivery loop asks once per domain (cached),
// then checks each MX it is about to use and demands a valid certificate in enforce mode.
import type { DnsAnswer, TxtRecord } from '../../dns/resolver.ts';
import { ValidationError } from '../../core/errors.ts';

export type MtaStsMode = 'enforce' | 'testing' | 'none';

export interface MtaStsPolicy {
  version: 'STSv1';
  mode: MtaStsMode;
  /** MX patterns: exact host names or "*.example.net" (one leftmost label) */
  mx: string[];
  maxAgeSeconds: number;
}

/** RFC 8461 §3.2: max_age is at most 31557600 seconds (about a year). */
export const MTA_STS_MAX_AGE_LIMIT = 31_557_600;
/** RFC 8461 §3.3: senders may limit the policy body to 64 KiB. */
const MAX_POLICY_BYTES = 64 * 1024;

/** Parses a policy file; throws ValidationError when it is not a usable policy. */
export function parseMtaStsPolicy(text: string): MtaStsPolicy {
  const fields = new Map<string, string>();
  const mx: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new ValidationError(`MTA-STS policy: malformed line "${line.slice(0, 60)}"`);
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key === 'mx') mx.push(value.toLowerCase().replace(/\.$/, ''));
    else if (!fields.has(key)) fields.set(key, value); // the first occurrence counts; unknown keys are ignored
  }
  if (fields.get('version') !== 'STSv1') throw new ValidationError('MTA-STS policy: version must be STSv1');
  const mode = fields.get('mode');
  if (mode !== 'enforce' && mode !== 'testing' && mode !== 'none') throw new ValidationError(`MTA-STS policy: invalid mode "${mode ?? ''}"`);
  const maxAgeText = fields.get('max_age') ?? '';
  if (!/^\d{1,10}$/.test(maxAgeText)) throw new ValidationError(`MTA-STS policy: invalid max_age "${maxAgeText}"`);
  const maxAgeSeconds = Math.min(Number(maxAgeText), MTA_STS_MAX_AGE_LIMIT);
  if (mode !== 'none' && mx.length === 0) throw new ValidationError('MTA-STS policy: no mx patterns');
  for (const p of mx) {
    if (!/^(\*\.)?([a-z0-9_]([a-z0-9_-]*[a-z0-9_])?\.)+[a-z0-9-]+$/.test(p)) throw new ValidationError(`MTA-STS policy: invalid mx pattern "${p}"`);
  }
  return { version: 'STSv1', mode, mx, maxAgeSeconds };
}

/** Does the MX host match one of the policy's patterns? (RFC 8461 §4.1; ignores the mode) */
export function mxMatchesPolicy(mx: string, policy: MtaStsPolicy): boolean {
  const host = mx.toLowerCase().replace(/\.$/, '');
  for (const p of policy.mx) {
    if (p.startsWith('*.')) {
      // A wildcard covers exactly one leftmost label: *.example.net matches mx.example.net,
      // not example.net and not a.b.example.net.
      const dot = host.indexOf('.');
      if (dot > 0 && host.slice(dot + 1) === p.slice(2)) return true;
    } else if (host === p) return true;
  }
  return false;
}

/** May we deliver to this MX? In `testing` and `none` mode always (mismatches are only reported). */
export function mxAllowedByPolicy(mx: string, policy: MtaStsPolicy): boolean {
  return policy.mode !== 'enforce' || mxMatchesPolicy(mx, policy);
}

/**
 * What a discovery result means for one delivery: the MX hosts that may be used (in the
 * given order), whether TLS with a valid certificate is mandatory, and the hosts that did not
 * match (for TLS-RPT style reporting). With no policy, or in testing mode, nothing changes.
 */
export function applyMtaSts<T extends string | { host: string }>(
  hosts: readonly T[],
  result: MtaStsResult | null | undefined,
): { hosts: T[]; requireValidTls: boolean; mismatched: string[] } {
  const policy = result?.policy;
  if (!policy || policy.mode === 'none') return { hosts: [...hosts], requireValidTls: false, mismatched: [] };
  const name = (h: T) => (typeof h === 'string' ? h : h.host);
  const mismatched = hosts.map(name).filter((h) => !mxMatchesPolicy(h, policy));
  if (policy.mode === 'testing') return { hosts: [...hosts], requireValidTls: false, mismatched };
  return { hosts: hosts.filter((h) => mxMatchesPolicy(name(h), policy)), requireValidTls: true, mismatched };
}

/** The parsed `_mta-sts` TXT record: its id, or undefined when it is not exactly one valid STSv1 record. */
export function parseMtaStsTxt(records: readonly string[]): string | undefined {
  const sts = records.filter((r) => /^v=STSv1\s*;/.test(r));
  if (sts.length !== 1) return undefined;
  const m = /(?:^|;)\s*id=([A-Za-z0-9]{1,32})\s*(?:;|$)/.exec(sts[0]!);
  return m ? m[1] : undefined;
}

export interface MtaStsCacheEntry {
  id: string;
  policy: MtaStsPolicy;
  fetchedAt: number;
  expiresAt: number;
}

/** Where policies are kept between lookups; a Map by default, anything with get/set otherwise. */
export interface MtaStsCache {
  get(domain: string): MtaStsCacheEntry | undefined;
  set(domain: string, entry: MtaStsCacheEntry): void;
}

export interface MtaStsFetchResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export interface MtaStsIo {
  /** TXT lookup in the shape of Resolver.txt */
  resolveTxt(name: string): Promise<DnsAnswer<TxtRecord>>;
  /** HTTPS GET in the shape of global fetch */
  fetch(url: string, init: { redirect: 'manual'; signal?: AbortSignal }): Promise<MtaStsFetchResponse>;
  cache?: MtaStsCache;
  now?: () => number;
  timeoutMs?: number;
}

export type MtaStsResult =
  | { policy: MtaStsPolicy; id: string; source: 'fetched' | 'cache' | 'stale-dns' | 'stale-fetch' }
  | { policy: null; reason: string };

/**
 * Discovers a domain's policy (RFC 8461 §3): the `_mta-sts` TXT id, then the policy over
 * HTTPS (no redirects, 200 only, text/plain, ≤ 64 KiB). A cached, unexpired policy with the
 * same id is used without fetching; when DNS or HTTPS fail, an unexpired cached policy still
 * applies (§5.1: a lost TXT record must not switch protection off). Without either, the
 * domain is treated as having no policy.
 */
export async function fetchMtaStsPolicy(domain: string, io: MtaStsIo): Promise<MtaStsResult> {
  const d = domain.toLowerCase().replace(/\.$/, '');
  const now = (io.now ?? Date.now)();
  const cached = io.cache?.get(d);
  const fresh = cached && cached.expiresAt > now ? cached : undefined;

  const txt = await io.resolveTxt(`_mta-sts.${d}`);
  if (txt.status !== 'ok') {
    if (fresh) return { policy: fresh.policy, id: fresh.id, source: 'stale-dns' };
    return { policy: null, reason: txt.status === 'temporary' ? `TXT lookup failed: ${txt.message}` : 'no _mta-sts TXT record' };
  }
  const id = parseMtaStsTxt(txt.records.map((r) => r.text));
  if (id === undefined) {
    if (fresh) return { policy: fresh.policy, id: fresh.id, source: 'stale-dns' };
    return { policy: null, reason: 'no single valid v=STSv1 TXT record' };
  }
  if (fresh && fresh.id === id) return { policy: fresh.policy, id, source: 'cache' };

  try {
    const res = await io.fetch(`https://mta-sts.${d}/.well-known/mta-sts.txt`, {
      redirect: 'manual',
      signal: AbortSignal.timeout(io.timeoutMs ?? 10_000),
    });
    if (res.status !== 200) throw new ValidationError(`policy fetch answered HTTP ${res.status}`);
    const type = res.headers.get('content-type');
    if (type !== null && !/^text\/plain\b/i.test(type)) throw new ValidationError(`policy has content type ${type}`);
    const body = await res.text();
    if (Buffer.byteLength(body) > MAX_POLICY_BYTES) throw new ValidationError('policy larger than 64 KiB');
    const policy = parseMtaStsPolicy(body);
    io.cache?.set(d, { id, policy, fetchedAt: now, expiresAt: now + policy.maxAgeSeconds * 1000 });
    return { policy, id, source: 'fetched' };
  } catch (e) {
    if (fresh) return { policy: fresh.policy, id: fresh.id, source: 'stale-fetch' };
    return { policy: null, reason: `policy fetch failed: ${(e as Error).message}` };
  }
}

/** A plain in-memory cache. */
export function memoryMtaStsCache(): MtaStsCache & { size: () => number } {
  const m = new Map<string, MtaStsCacheEntry>();
  return { get: (k) => m.get(k), set: (k, v) => void m.set(k, v), size: () => m.size };
}
