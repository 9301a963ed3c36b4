// Sending domains in a running node: the domain service for the API routes, the DKIM signer
// cache for the MTA (filled into the delivery loop's seam), and the periodic re-check.
import { deliverySeams } from '../mta/delivery-extension.ts';
import { nodeExtensions, type RunningNode } from '../runtime/relais-node.ts';
import type { Store } from '../store/database.ts';
import { createDomainService, type DomainService } from './service.ts';
import { dropSigners, refreshSigners, signerFor, signersReady } from './signer-cache.ts';

/** Timings, changeable in code (tests shorten them). */
export const DOMAIN_TIMERS = {
  /** Re-check every domain this often (docs/domains.md promises "every few hours"). */
  recheckIntervalMs: 6 * 3_600_000,
  /** Reload signers this often to pick up other nodes' rotations. */
  signerRefreshMs: 60_000,
};

const services = new WeakMap<Store, DomainService>();

/** The domain service of the node that owns this store (set when the node starts). */
export function domainServiceFor(store: Store): DomainService | undefined {
  return services.get(store);
}

nodeExtensions.push(async (node: RunningNode) => {
  const service = createDomainService({ store: node.store, config: node.config, masterKey: node.masterKey });
  services.set(node.store, service);
  const roles = node.config.roles;
  const timers: NodeJS.Timeout[] = [];
  let previousSeam: typeof deliverySeams.signerFor;
  let mySeam: typeof deliverySeams.signerFor;
  if (roles.includes('mta')) {
    await signersReady(node);
    const mine = signerFor(node);
    previousSeam = deliverySeams.signerFor;
    const before = previousSeam;
    // A seam set before this node started (a test's fixed key) still answers for domains
    // this store has no key for.
    mySeam = (domain) => mine(domain) ?? before?.(domain);
    deliverySeams.signerFor = mySeam;
    const t = setInterval(() => void refreshSigners(node.store), DOMAIN_TIMERS.signerRefreshMs);
    t.unref();
    timers.push(t);
  }
  let running: Promise<unknown> | undefined;
  if (roles.includes('mta') || roles.includes('api')) {
    const t = setInterval(() => {
      if (running) return;
      // Skip domains checked recently (by a tenant, or by another node sharing the store).
      running = service.recheckAll(DOMAIN_TIMERS.recheckIntervalMs / 2).finally(() => {
        running = undefined;
      });
    }, DOMAIN_TIMERS.recheckIntervalMs);
    t.unref();
    timers.push(t);
  }
  return async () => {
    for (const t of timers) clearInterval(t);
    await running?.catch(() => {});
    if (mySeam && deliverySeams.signerFor === mySeam) deliverySeams.signerFor = previousSeam;
    dropSigners(node.store);
    services.delete(node.store);
  };
});
