// Address and header-value checks shared by the Send API and SMTP submission.
//
// IDN decision: domains in Unicode (e.g. "bücher.example") are ACCEPTED and converted to
// punycode with node:url domainToASCII, because every receiving MTA understands the A-label
// and no SMTPUTF8 support is needed for it. Non-ASCII LOCAL parts ("jörg@example.de") are
// REJECTED with a clear message: they need SMTPUTF8 end to end, which we do not offer.
// Quoted local parts and IP-literal domains are rejected too: they are legal in RFC 5321
// but have no place in bulk sending and are a favourite of header-injection attempts.
import { domainToASCII, domainToUnicode } from 'node:url';

export type AddressCheck =
  | { ok: true; email: string }
  | { ok: false; reason: 'syntax' | 'smtputf8' | 'length'; message: string };

const LOCAL_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const NON_ASCII = /[^\x00-\x7f]/;

function bad(addr: string): AddressCheck {
  return { ok: false, reason: 'syntax', message: `"${addr}" is an invalid email address.` };
}

/** Validates one bare address (no display name) and returns its ASCII form. */
export function validateAddress(addr: string): AddressCheck {
  if (typeof addr !== 'string' || addr.length === 0) return bad(String(addr));
  const at = addr.lastIndexOf('@');
  if (at <= 0 || at === addr.length - 1) return bad(addr);
  const local = addr.slice(0, at);
  let domain = addr.slice(at + 1);
  if (NON_ASCII.test(local)) {
    return {
      ok: false,
      reason: 'smtputf8',
      message: `"${addr}" is an invalid email address: non-ASCII local parts need SMTPUTF8, which is not supported.`,
    };
  }
  if (!LOCAL_ATOM.test(local)) return bad(addr);
  if (local.length > 64) {
    return { ok: false, reason: 'length', message: `"${addr}" is an invalid email address: local part over 64 characters.` };
  }
  if (NON_ASCII.test(domain) || /(^|\.)xn--/i.test(domain)) {
    const ascii = domainToASCII(domain);
    // domainToASCII passes malformed A-labels through; a label that does not decode stays "xn--"
    if (!ascii || /(^|\.)xn--/.test(domainToUnicode(ascii))) return bad(addr);
    domain = ascii;
  } else {
    domain = domain.toLowerCase();
  }
  if (domain.length > 253) return bad(addr);
  const labels = domain.split('.');
  if (labels.length < 2) return bad(addr);
  for (const l of labels) if (!LABEL.test(l)) return bad(addr);
  const tld = labels[labels.length - 1]!;
  if (/^[0-9]+$/.test(tld)) return bad(addr); // "invalid@123.4", and every IPv4 literal
  const email = `${local}@${domain}`;
  if (email.length > 254) {
    return { ok: false, reason: 'length', message: `"${addr}" is an invalid email address: over 254 characters.` };
  }
  return { ok: true, email };
}

/**
 * True when `value` can go into a header field without ending it: no CR, no LF, no NUL.
 * Everything that becomes a header (Subject, display names, custom header values,
 * filenames, SMTP control headers) passes through this check.
 */
export function headerInjectionSafe(value: string): boolean {
  return !/[\r\n\0]/.test(value);
}
