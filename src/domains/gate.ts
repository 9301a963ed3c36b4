// The send gate: mail whose From domain is not verified for the tenant is refused, with
// Mailjet's send-0008 on the API and 550 5.7.1 over SMTP, and a message that says what to
// do. Switched by the `requireVerifiedDomains` setting (default on).
import { domainToASCII } from 'node:url';
import { storeErrors } from '../intake/mailjet/errors.ts';
import { IntakeRejection, type IntakeStep } from '../intake/types.ts';
import { intakeSteps } from '../runtime/relais-node.ts';
import { sendingAllowed } from '../store/domains-repo.ts';
import { gateCacheGet, gateCacheSet } from './gate-cache.ts';

/** The ASCII domain of an address ("Bob@Bücher.example" → "xn--bcher-kva.example"). */
export function addressDomain(address: string): string {
  const at = address.lastIndexOf('@');
  const raw = (at < 0 ? '' : address.slice(at + 1)).trim().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  return (domainToASCII(raw) || raw).toLowerCase();
}

export function gateAdvice(domain: string, known: { id: number; status: string } | undefined): string {
  if (!known) {
    return `sender domain not verified: ${domain} is not a sending domain of your account. Add it (POST /v1/domains {"name": "${domain}"} or \`relais domain add ${domain}\`), publish the DNS records Relais shows, then run the check (POST /v1/domains/{id}/check). See docs/domains.md.`;
  }
  return `sender domain not verified: ${domain} (domain id ${known.id}) is ${known.status === 'pending' ? 'not checked yet' : `not verified (status ${known.status})`}. Publish the records shown by GET /v1/domains/${known.id}, then run POST /v1/domains/${known.id}/check; its explanations say what is missing.`;
}

/** The return-path host of a domain whose last check found its CNAME in place, else null. */
export function verifiedReturnPath(lastCheck: string | null): string | null {
  if (!lastCheck) return null;
  try {
    const parsed = JSON.parse(lastCheck) as { records?: { id: string; name: string; verdict: string }[] };
    const rec = parsed.records?.find((x) => x.id === 'return-path');
    return rec && rec.verdict === 'pass' ? rec.name.toLowerCase().replace(/\.$/, '') : null;
  } catch {
    return null;
  }
}

// Return-path host per tenant and domain, kept as long as the gate's own answers.
const returnPaths = new Map<string, { at: number; host: string | null }>();

export const domainGate: IntakeStep = {
  name: 'domain-gate',
  async run(d, ctx) {
    if (!ctx.config.requireVerifiedDomains) return;
    const domain = addressDomain(d.fromAddress);
    const now = Date.now();
    const rpKey = `${d.tenantId}\0${domain}`;
    const rp = returnPaths.get(rpKey);
    if (gateCacheGet(d.tenantId, domain, now) === true && rp && now - rp.at < 30_000) {
      if (rp.host) d.returnPathDomain = rp.host;
      return;
    }
    const r = domain ? await sendingAllowed(ctx.store, d.tenantId, domain) : { allowed: false as const, domain: undefined };
    gateCacheSet(d.tenantId, domain, r.allowed, now);
    if (r.allowed) {
      const host = verifiedReturnPath(r.domain?.lastCheck ?? null);
      if (returnPaths.size > 50_000) returnPaths.clear();
      returnPaths.set(rpKey, { at: now, host });
      if (host) d.returnPathDomain = host;
      return;
    }
    const advice = gateAdvice(domain || '(none)', r.domain);
    const base = storeErrors.fromNotAuthorized(d.fromAddress);
    // Built directly rather than with reject(): the SMTP text would otherwise repeat the advice.
    throw new IntakeRejection([{ ...base, ErrorMessage: `${base.ErrorMessage} ${advice.replace(/^sender domain not verified: /, 'The domain ')}` }], { code: 550, enhanced: '5.7.1', text: advice });
  },
};

intakeSteps.push({ before: 'spool', step: domainGate });
