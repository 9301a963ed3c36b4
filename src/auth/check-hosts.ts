// Checks of names that must point somewhere: the return-path and tracking CNAMEs, and the
// domain's own MX/A (GMX and WEB.DE refuse mail from domains that cannot receive any).
import type { Resolver } from '../dns/resolver.ts';
import { normalizeName } from '../dns/resolver.ts';
import { type RecordCheck, temporaryExplanation } from './check-types.ts';
import { followCnames } from './cname-chain.ts';

export interface CnameCheckInput {
  id: 'return-path' | 'tracking';
  name: string;
  target: string;
  resolver: Resolver;
  required: boolean;
}

/** The name must be a CNAME to the target (directly), and the chain must end somewhere real. */
export async function checkCname({ id, name, target, resolver, required }: CnameCheckInput): Promise<RecordCheck> {
  const want = normalizeName(target);
  const base = { id, type: 'CNAME' as const, name, required, expected: want };
  const what = id === 'return-path' ? 'return-path (bounce) domain' : 'tracking domain';
  const publish = ` Publish: ${name}. CNAME ${want}.`;
  const chain = await followCnames(resolver, name);
  const found = chain.chain.length > 1 ? [`CNAME ${chain.chain.slice(1).join(' → ')}`] : [];
  if (chain.loop) {
    return {
      ...base,
      found,
      verdict: 'fail',
      problems: ['cname-loop'],
      explanation: `${name} is a CNAME loop (${chain.chain.join(' → ')}); nothing can be delivered through it. Replace it.${publish}`,
    };
  }
  if (chain.temporary) {
    return { ...base, found, verdict: 'temporary-error', problems: ['temporary'], explanation: temporaryExplanation(chain.chain.at(-1)!, chain.temporary) };
  }
  if (chain.tooLong) {
    return { ...base, found, verdict: 'fail', problems: ['cname-chain-too-long'], explanation: `${name} is a chain of more than 8 CNAMEs.${publish}` };
  }
  if (chain.chain.length === 1) {
    if (id === 'return-path') {
      // The MX alternative: the name has our bounce host's MX instead of a CNAME.
      const [mine, theirs] = await Promise.all([resolver.mx(name), resolver.mx(want)]);
      if (mine.status === 'temporary') return { ...base, found, verdict: 'temporary-error', problems: ['temporary'], explanation: temporaryExplanation(name, mine.reason) };
      if (mine.status === 'ok' && !mine.implicit && theirs.status === 'ok') {
        const ours = new Set(theirs.hosts.map((h) => h.exchange));
        if (mine.hosts.every((h) => ours.has(h.exchange))) {
          return { ...base, found: mine.hosts.map((h) => `MX ${h.priority} ${h.exchange}`), verdict: 'pass', problems: [], explanation: `${name} sends bounces to Relais through MX records (a CNAME to ${want} also works).` };
        }
      }
      if (mine.status === 'ok') {
        return {
          ...base,
          found: mine.hosts.map((h) => `MX ${h.priority} ${h.exchange}`),
          verdict: 'fail',
          problems: ['wrong-target'],
          explanation: `${name} has other records instead of the CNAME; a CNAME cannot sit beside other records, so remove them.${publish}`,
        };
      }
    }
    return { ...base, found, verdict: 'fail', problems: ['missing'], explanation: `The ${what} ${name} is not set up.${publish}` };
  }
  if (chain.chain[1] !== want) {
    return { ...base, found, verdict: 'fail', problems: ['wrong-target'], explanation: `${name} points to ${chain.chain[1]}, not to ${want}.${publish}` };
  }
  // The target must exist (A/AAAA or MX) for bounces and clicks to arrive.
  const end = chain.chain.at(-1)!;
  const [a, mx] = await Promise.all([resolver.a(end), resolver.mx(end)]);
  if (a.status === 'ok' || mx.status === 'ok') {
    return { ...base, found, verdict: 'pass', problems: [], explanation: `The ${what} ${name} points to ${want}.` };
  }
  const temp = [a, mx].find((x) => x.status === 'temporary');
  if (temp && temp.status === 'temporary') return { ...base, found, verdict: 'temporary-error', problems: ['temporary'], explanation: temporaryExplanation(end, temp.reason) };
  return {
    ...base,
    found,
    verdict: 'warning',
    problems: ['target-unresolved'],
    explanation: `${name} correctly points to ${want}, but ${end} does not resolve yet. This is on the operator's side; your record is right.`,
  };
}

export async function checkDomainMx(domain: string, resolver: Resolver): Promise<RecordCheck> {
  const base = { id: 'mx', type: 'MX' as const, name: domain, required: false, expected: null };
  const mx = await resolver.mx(domain);
  if (mx.status === 'temporary') return { ...base, found: [], verdict: 'temporary-error', problems: ['temporary'], explanation: temporaryExplanation(domain, mx.reason) };
  if (mx.status === 'ok') {
    return {
      ...base,
      found: mx.hosts.map((h) => `MX ${h.priority} ${h.exchange}`),
      verdict: 'pass',
      problems: [],
      explanation: mx.implicit ? `${domain} has no MX, but an address record, so it can receive replies.` : `${domain} can receive mail (replies, complaints).`,
    };
  }
  if (mx.status === 'null-mx') {
    return {
      ...base,
      found: ['MX 0 .'],
      verdict: 'warning',
      problems: ['null-mx'],
      explanation: `${domain} publishes a null MX: it declares it receives no mail. Some providers (GMX, WEB.DE) refuse mail from domains that cannot receive replies; consider an MX record.`,
    };
  }
  return {
    ...base,
    found: [],
    verdict: 'warning',
    problems: ['missing'],
    explanation: `${domain} has neither MX nor address records. GMX and WEB.DE refuse mail from such domains, and recipients cannot reply. Publish an MX record for a mailbox you read.`,
  };
}
