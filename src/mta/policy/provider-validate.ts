// Schema check for the provider catalogue: returns every problem found, so a bad entry fails
// the validating test with a message that names it.
import { normalizeHost } from './provider-catalogue.ts';
import type { Provider } from './provider-types.ts';

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const KINDS = new Set(['mailbox', 'hosting', 'gateway']);

export function isHostname(h: string): boolean {
  if (h !== h.toLowerCase() || h.endsWith('.') || h.length > 253) return false;
  const labels = h.split('.');
  return labels.length >= 2 && labels.every((l) => LABEL.test(l));
}

function isIpv4(h: string): boolean {
  return /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(h) && h.split('.').every((o) => Number(o) <= 255);
}

/** Does one catalogue pattern match a host? (the same semantics as the compiled index) */
export function patternMatches(pattern: string, host: string): boolean {
  const p = normalizeHost(pattern);
  const h = normalizeHost(host);
  if (!p.startsWith('*.')) return p === h;
  return h.endsWith(p.slice(1)) && h.length > p.length - 1;
}

export function validateProviders(providers: readonly Provider[]): string[] {
  const errors: string[] = [];
  const ids = new Set<string>();
  const domainOwner = new Map<string, string>();
  for (const p of providers) {
    const at = `provider ${p.id}`;
    if (!ID.test(p.id)) errors.push(`${at}: id must be lowercase letters, digits and dashes`);
    if (ids.has(p.id)) errors.push(`${at}: duplicate id`);
    ids.add(p.id);
    if (!p.name?.trim()) errors.push(`${at}: missing name`);
    if (p.region !== 'global' && !/^[A-Z]{2}$/.test(p.region)) errors.push(`${at}: region ${p.region} is not ISO alpha-2 or "global"`);
    if (!KINDS.has(p.kind)) errors.push(`${at}: unknown kind ${p.kind}`);
    if (p.mx.length === 0) errors.push(`${at}: no MX patterns`);
    for (const { pattern, example } of p.mx) {
      const bare = pattern.startsWith('*.') ? pattern.slice(2) : pattern;
      if (!isHostname(bare)) errors.push(`${at}: invalid MX pattern "${pattern}"`);
      if (!isHostname(example)) errors.push(`${at}: invalid example host "${example}"`);
      else if (!patternMatches(pattern, example)) errors.push(`${at}: example ${example} does not match its pattern ${pattern}`);
    }
    for (const d of p.domains) {
      if (!isHostname(d)) errors.push(`${at}: invalid domain "${d}"`);
      const owner = domainOwner.get(d);
      if (owner) errors.push(`${at}: domain ${d} already belongs to ${owner}`);
      domainOwner.set(d, p.id);
    }
    if (p.seed) {
      const { imapHost, port } = p.seed;
      if (!isHostname(imapHost) && !isIpv4(imapHost)) errors.push(`${at}: invalid seed IMAP host "${imapHost}"`);
      if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) errors.push(`${at}: invalid seed port ${port}`);
    }
  }
  // No example may be matched by another provider's pattern: that would make the site of
  // a domain depend on pattern order instead of the data.
  for (const p of providers) {
    for (const { example } of p.mx) {
      for (const q of providers) {
        if (q === p) continue;
        for (const { pattern } of q.mx) {
          if (patternMatches(pattern, example)) errors.push(`provider ${p.id}: example ${example} is also matched by ${q.id} (${pattern})`);
        }
      }
    }
  }
  return errors;
}
