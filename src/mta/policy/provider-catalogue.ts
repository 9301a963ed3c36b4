// The provider catalogue and its lookups. Matching runs per message (routing decides the site),
// so patterns are compiled once into hash maps: an MX host costs one Map lookup per label.
import { ValidationError } from '../../core/errors.ts';
import type { Provider } from './provider-types.ts';
import { EUROPEAN_PROVIDERS } from './providers-europe.ts';
import { GLOBAL_PROVIDERS } from './providers-global.ts';

export const PROVIDERS: readonly Provider[] = [...GLOBAL_PROVIDERS, ...EUROPEAN_PROVIDERS];

/** Lowercase, no trailing dot: the form every lookup uses. */
export function normalizeHost(host: string): string {
  const h = host.trim().toLowerCase();
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

export interface ProviderIndex {
  /** the provider of the first MX host (in the order given, i.e. preference) that matches */
  matchProvider(mxHosts: readonly string[]): Provider | undefined;
  matchHost(host: string): Provider | undefined;
  byId(id: string): Provider | undefined;
  /** the provider hosting a consumer mailbox domain (gmail.com -> google), before any DNS */
  byDomain(domain: string): Provider | undefined;
  readonly providers: readonly Provider[];
}

/**
 * Compiles a catalogue. Exact patterns and `*.suffix` patterns go into two maps; a host is
 * looked up exactly, then by each of its proper suffixes from the longest, so the most
 * specific pattern wins (the validating test also forbids overlaps between providers).
 */
export function compileProviders(providers: readonly Provider[]): ProviderIndex {
  const exact = new Map<string, Provider>();
  const suffix = new Map<string, Provider>();
  const ids = new Map<string, Provider>();
  const domains = new Map<string, Provider>();
  for (const p of providers) {
    if (ids.has(p.id)) throw new ValidationError(`duplicate provider id ${p.id}`);
    ids.set(p.id, p);
    for (const { pattern } of p.mx) {
      const pat = normalizeHost(pattern);
      const [map, key] = pat.startsWith('*.') ? [suffix, pat.slice(2)] : [exact, pat];
      const prior = map.get(key);
      if (prior && prior !== p) throw new ValidationError(`MX pattern ${pattern} claimed by ${prior.id} and ${p.id}`);
      map.set(key, p);
    }
    for (const d of p.domains) domains.set(normalizeHost(d), p);
  }

  function matchHost(host: string): Provider | undefined {
    const h = normalizeHost(host);
    const hit = exact.get(h);
    if (hit) return hit;
    // Proper suffixes only: "*.google.com" matches "x.google.com", never "google.com".
    for (let i = h.indexOf('.'); i !== -1; i = h.indexOf('.', i + 1)) {
      const p = suffix.get(h.slice(i + 1));
      if (p) return p;
    }
    return undefined;
  }

  return {
    providers,
    matchHost,
    matchProvider(mxHosts) {
      for (const host of mxHosts) {
        const p = matchHost(host);
        if (p) return p;
      }
      return undefined;
    },
    byId: (id) => ids.get(id),
    byDomain: (domain) => domains.get(normalizeHost(domain)),
  };
}

const defaultIndex = compileProviders(PROVIDERS);

/** The catalogue provider behind a domain's MX hosts (pass them in preference order). */
export function matchProvider(mxHosts: readonly string[]): Provider | undefined {
  return defaultIndex.matchProvider(mxHosts);
}

export function providerById(id: string): Provider | undefined {
  return defaultIndex.byId(id);
}

export function providerForDomain(domain: string): Provider | undefined {
  return defaultIndex.byDomain(domain);
}
