// Follows CNAMEs one hop at a time, so checks can explain loops and dangling targets that a
// recursive resolver only reports as "no data" or SERVFAIL.
import { normalizeName, type Resolver, type TemporaryReason } from '../dns/resolver.ts';

export interface CnameChain {
  /** The names visited, starting with the queried one. */
  chain: string[];
  loop: boolean;
  /** Set when a hop could not be resolved for a temporary reason. */
  temporary?: TemporaryReason;
  /** More hops than we follow (8). */
  tooLong: boolean;
}

export async function followCnames(resolver: Resolver, name: string, maxHops = 8): Promise<CnameChain> {
  const chain = [normalizeName(name)];
  for (let i = 0; i < maxHops; i++) {
    const res = await resolver.cname(chain[chain.length - 1]!);
    if (res.status === 'temporary') return { chain, loop: false, temporary: res.reason, tooLong: false };
    if (res.status !== 'ok') return { chain, loop: false, tooLong: false };
    const next = res.records[0]!;
    if (chain.includes(next)) return { chain: [...chain, next], loop: true, tooLong: false };
    chain.push(next);
  }
  return { chain, loop: false, tooLong: true };
}
