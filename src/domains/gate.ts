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

export const domainGate: IntakeStep = {
  name: 'domain-gate',
  async run(d, ctx) {
    if (!ctx.config.requireVerifiedDomains) return;
    const domain = addressDomain(d.fromAddress);
    const now = Date.now();
    if (gateCacheGet(d.tenantId, domain, now) === true) return;
    const r = domain ? await sendingAllowed(ctx.store, d.tenantId, domain) : { allowed: false as const, domain: undefined };
    gateCacheSet(d.tenantId, domain, r.allowed, now);
    if (r.allowed) return;
    const advice = gateAdvice(domain || '(none)', r.domain);
    const base = storeErrors.fromNotAuthorized(d.fromAddress);
    // Built directly rather than with reject(): the SMTP text would otherwise repeat the advice.
    throw new IntakeRejection([{ ...base, ErrorMessage: `${base.ErrorMessage} ${advice.replace(/^sender domain not verified: /, 'The domain ')}` }], { code: 550, enhanced: '5.7.1', text: advice });
  },
};

intakeSteps.push({ before: 'spool', step: domainGate });
