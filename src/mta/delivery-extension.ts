// Wires the delivery loop into a running node (role `mta`): real DNS from the configured
// servers, static routes from the config and the store, operator shaping overrides from
// <dataDir>/shaping.json, and the spool's callback to wake the loop when mail arrives.
// On PostgreSQL every node also shares wake-ups, automation records and topology changes
// with the others (cluster-signals.ts).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { Gauge } from 'prom-client';
import { systemClock } from '../core/clock.ts';
import type { Config } from '../core/config.ts';
import { ConfigError } from '../core/errors.ts';
import { createDnsResolver } from '../dns/node-resolver.ts';
import { nodeExtensions, type RunningNode } from '../runtime/relais-node.ts';
import type { Store } from '../store/database.ts';
import { recipientHeaders } from './recipient-headers.ts';
import { ClusterSignals } from './cluster-signals.ts';
import { DeliveryLoop, type SignerLookup } from './delivery-loop.ts';
import type { WeightOf } from './egress-selector.ts';
import { memoryMtaStsCache } from './policy/mta-sts.ts';
import { AutomationEngine, type AutomationRecord, type AutomationRuleOverride, mergeAutomationRules } from './policy/automation-engine.ts';
import { BUILTIN_AUTOMATION } from './policy/automation-rules.ts';
import { createShaping, type ShapingOverrides, type ShapingPolicy } from './policy/shaping.ts';

/** Seams other capabilities fill in: DKIM keys per From domain, reputation weights per IP. */
export const deliverySeams: { signerFor?: SignerLookup; weightOf?: WeightOf } = {};

const loops = new Map<Store, DeliveryLoop>();
const signals = new Map<Store, ClusterSignals>();

/** The delivery loop running on a store (admin API: queue snapshot, topology refresh). */
export function deliveryLoopFor(store: Store): DeliveryLoop | undefined {
  return loops.get(store);
}

/** The node's NOTIFY/LISTEN link to the other nodes (PostgreSQL only; admin API: topology, pauses). */
export function clusterSignalsFor(store: Store): ClusterSignals | undefined {
  return signals.get(store);
}

/**
 * Operator policy: the `shapingFile` setting (else <dataDir>/shaping.json when present), JSON
 * `{ "default": {...}, "sites": { "<provider or site>": {...} }, "automation": [rules] }`
 * (docs/delivery.md). Invalid overrides stop start-up with every problem named.
 */
export function loadDeliveryPolicy(cfg: Pick<Config, 'dataDir' | 'shapingFile'>): { shaping: ShapingPolicy; automation: AutomationEngine } {
  const file = cfg.shapingFile ?? join(cfg.dataDir, 'shaping.json');
  let parsed: ShapingOverrides & { automation?: AutomationRuleOverride[] } = {};
  if (cfg.shapingFile !== undefined || existsSync(file)) {
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(`shaping file ${file}: ${(err as Error).message}`);
    }
  }
  try {
    const shaping = createShaping({ default: parsed.default, sites: parsed.sites });
    const automation = new AutomationEngine(mergeAutomationRules(BUILTIN_AUTOMATION, parsed.automation ?? []), systemClock);
    return { shaping, automation };
  } catch (err) {
    throw new ConfigError(`shaping file ${file}: ${(err as Error).message}`);
  }
}

/**
 * The lease owner name of this node's delivery loop, kept in its data directory so that a
 * restart (after a crash, say) takes back at once the rows it had leased, instead of
 * waiting for their leases to run out. Nodes sharing a data directory must have distinct
 * node ids anyway (message ids depend on it), so each id gets its own file.
 */
export function stableOwner(dataDir: string, nodeId = 0): string {
  const file = join(dataDir, nodeId === 0 ? 'mta-owner' : `mta-owner.${nodeId}`);
  if (existsSync(file)) {
    const name = readFileSync(file, 'utf8').trim();
    if (/^mta-[0-9a-f]{12}$/.test(name)) return name;
  }
  const name = `mta-${randomBytes(6).toString('hex')}`;
  writeFileSync(file, `${name}\n`);
  return name;
}

/** Addresses this host can bind: its interfaces, plus all of 127.0.0.0/8 (Linux routes it to lo). */
export function localAddressCheck(): (ip: string) => boolean {
  const mine = new Set(Object.values(networkInterfaces()).flatMap((l) => (l ?? []).map((a) => a.address)));
  return (ip) => mine.has(ip) || ip.startsWith('127.') || ip === '::1';
}

export async function startDelivery(
  node: RunningNode,
  opts: { signerFor?: SignerLookup; shaping?: ShapingPolicy; onAutomation?: (r: AutomationRecord) => void } = {},
): Promise<DeliveryLoop> {
  const cfg = node.config;
  const policy = loadDeliveryPolicy(cfg);
  const resolver = createDnsResolver(cfg.dnsServers.length > 0 ? { servers: cfg.dnsServers } : {});
  const loop = new DeliveryLoop({
    owner: stableOwner(cfg.dataDir, cfg.nodeId),
    store: node.store,
    resolver,
    // MTA-STS policies fetched over HTTPS, cached per max_age, enforced per MX.
    mtaSts: { resolveTxt: (name) => resolver.txt(name), fetch: (url, init) => fetch(url, init), cache: memoryMtaStsCache() },
    hostname: cfg.hostname,
    routes: cfg.routes,
    shaping: opts.shaping ?? policy.shaping,
    automation: policy.automation,
    signerFor: opts.signerFor ?? ((domain) => deliverySeams.signerFor?.(domain)),
    recipientHeaders: recipientHeaders({ publicUrl: cfg.publicUrl, bounceDomain: cfg.bounceDomain, masterKey: node.masterKey }),
    weightOf: deliverySeams.weightOf,
    isLocal: localAddressCheck(),
    onEvent: (e) => {
      const outcome = { delivery: 'sent', deferral: 'deferred', bounce: 'bounced', expiration: 'expired' }[e.type as string];
      if (outcome) node.metrics.deliveries.inc({ outcome });
    },
    onAutomation: opts.onAutomation,
  });
  registerQueueGauges(node, loop);
  await loop.start();
  const previous = node.spool.onSpooled;
  // Mail this node accepts is delivered from memory (no claim, no body read); the rest
  // (scheduled, other nodes' mail, retries) through claims.
  node.spool.handoff = { owner: loop.owner, leaseMs: loop.leaseMs };
  node.spool.onSpooled = (batch) => {
    previous?.(batch);
    loop.adopt(batch);
    if (batch.messages.some((m) => m.lease_owner !== loop.owner)) loop.wake();
  };
  loops.set(node.store, loop);
  return loop;
}

function registerQueueGauges(node: RunningNode, loop: DeliveryLoop): void {
  const registry = node.metrics.registry;
  if (registry.getSingleMetric('relais_ready_queue_messages')) return;
  new Gauge({
    name: 'relais_ready_queue_messages',
    help: 'Messages held in memory by ready queues of this node (egress IP -> site)',
    registers: [registry],
    collect() {
      this.set(loop.snapshot().held);
    },
  });
  new Gauge({
    name: 'relais_smtp_connections_open',
    help: 'Outbound SMTP connections open on this node',
    registers: [registry],
    collect() {
      this.set(loop.snapshot().queues.reduce((n, q) => n + q.connections, 0));
    },
  });
}

/** PostgreSQL: every node announces its spool commits; mta nodes also listen (after startDelivery). */
async function startSignals(node: RunningNode): Promise<ClusterSignals | undefined> {
  if (node.store.dialect !== 'postgres') return undefined;
  const s = new ClusterSignals({ store: node.store });
  await s.start();
  const previous = node.spool.onSpooled;
  node.spool.onSpooled = (batch) => {
    previous?.(batch);
    // Rows committed leased to this node's own loop are nobody else's business.
    const free = batch.messages.filter((m) => m.lease_owner == null).length;
    if (free > 0) s.spooled(free);
  };
  signals.set(node.store, s);
  return s;
}

nodeExtensions.push(async (node) => {
  const s = await startSignals(node);
  const stopSignals = async () => {
    await s?.stop();
    signals.delete(node.store);
  };
  if (!node.config.roles.includes('mta')) return s ? stopSignals : undefined;
  const loop = await startDelivery(node, { onAutomation: (r) => s?.automationTriggered(r) });
  await s?.listen(loop);
  return async () => {
    await stopSignals();
    if (node.spool.handoff?.owner === loop.owner) node.spool.handoff = null;
    await loop.stop();
    loops.delete(node.store);
  };
});
