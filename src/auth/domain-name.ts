// Sending-domain names as tenants type them: trimmed, lower-cased, internationalised names
// turned into punycode (node:url's UTS #46 mapping), then held to hostname rules. A public
// suffix ("co.uk", "github.io") cannot be a sending domain: nobody can prove they own it.
import { domainToASCII, domainToUnicode } from 'node:url';
import { isIP } from 'node:net';
import { getDomain, getPublicSuffix } from 'tldts';
import { ValidationError } from '../core/errors.ts';

const TLDTS = { allowIcannDomains: true, allowPrivateDomains: true } as const;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export interface DomainName {
  /** The form used in DNS, storage and comparisons ("xn--bcher-kva.example"). */
  ascii: string;
  /** The form to show people ("bücher.example"). */
  unicode: string;
}

/** Why a name cannot be a sending domain, or undefined when it can. */
export function domainNameProblem(input: string): string | undefined {
  return parse(input).problem;
}

/** Normalizes a tenant-supplied domain; throws ValidationError with a plain reason. */
export function normalizeDomain(input: string): DomainName {
  const r = parse(input);
  if (r.problem) throw new ValidationError(r.problem, { domain: String(input).slice(0, 300) });
  return r.name!;
}

function parse(input: string): { problem?: string; name?: DomainName } {
  if (typeof input !== 'string') return { problem: 'the domain must be a string' };
  const trimmed = input.trim().replace(/\.$/, '');
  if (trimmed === '') return { problem: 'the domain is empty' };
  if (trimmed.length > 1000) return { problem: 'the domain is far too long' };
  if (/[\s/@:]/.test(trimmed)) return { problem: `"${trimmed.slice(0, 80)}" is not a domain name (no spaces, "@", "/" or ":"; enter only the part after the @)` };
  if (isIP(trimmed.replace(/^\[|\]$/g, ''))) return { problem: 'an IP address is not a domain name' };
  const ascii = domainToASCII(trimmed).replace(/\.$/, '');
  if (!ascii) return { problem: `"${trimmed.slice(0, 80)}" is not a valid (internationalised) domain name` };
  if (ascii.length > 253) return { problem: 'a domain name has at most 253 characters' };
  const labels = ascii.split('.');
  if (labels.length < 2) return { problem: `"${ascii}" has no top-level domain (e.g. example.com)` };
  for (const l of labels) {
    if (l === '') return { problem: `"${ascii}" has an empty label ("..")` };
    if (l.length > 63) return { problem: `the label "${l.slice(0, 20)}…" is longer than 63 characters` };
    if (!LABEL.test(l)) return { problem: `the label "${l}" may only hold letters, digits and inner hyphens` };
  }
  if (/^\d+$/.test(labels[labels.length - 1]!)) return { problem: `"${ascii}" ends in a number, not a top-level domain` };
  const suffix = getPublicSuffix(ascii, TLDTS);
  if (suffix === ascii) return { problem: `"${ascii}" is a public suffix; use a domain registered under it` };
  return { name: { ascii, unicode: domainToUnicode(ascii) || ascii } };
}

/** The organizational domain (RFC 7489 §3.2) used for relaxed DMARC alignment. */
export function organizationalDomain(domain: string): string {
  const d = domain.toLowerCase().replace(/\.$/, '');
  return getDomain(d, TLDTS) ?? d;
}

/** Relaxed alignment: both names share an organizational domain. */
export function relaxedAligned(a: string, b: string): boolean {
  return organizationalDomain(a) === organizationalDomain(b);
}
