// Wires the feedback capabilities into a node. Importing this module (before the app is
// created) registers the routes; `registerFeedback(nodeExtensions)` adds the rest:
//   - the tenant routes /v1/suppressions, /v1/webhooks, the public /u/:token, and the
//     operator routes /v1/admin/webhooks and /v1/admin/inbound-reports;
//   - a node extension that, per started node: installs the suppression check into the
//     intake, starts the MX listener when the roles include `mx`, and runs the webhook
//     dispatcher and the hard-bounce suppressor (MTA `bounce` events with hard: true →
//     tenant-wide suppression) when they include `api` or `mta` (one of each per cluster,
//     by lease).
import { adminMounts } from '../api/admin-routes.ts';
import { extraMounts } from '../api/app.ts';
import { mountFeedbackAdminRoutes, mountFeedbackRoutes, nodeMasterKeys } from '../api/feedback-routes.ts';
import type { AddressInfo } from 'node:net';
import { createMxServer } from '../smtp/mx-server.ts';
import { startHardBounceSuppressor } from '../suppression/bounce-suppressor.ts';
import { createSuppressionCheck } from '../suppression/suppression-check.ts';
import { WebhookDispatcher } from '../webhooks/dispatcher.ts';
import { loadTls } from './tls.ts';
// Types only from relais-node: it can import this module without an import cycle.
import type { NodeExtension, RunningNode } from './relais-node.ts';

export interface FeedbackOptions {
  /** dispatcher tick; tests use a short one */
  webhookIntervalMs?: number;
  webhookSettleMs?: number;
  webhookTimeoutMs?: number;
}

export const feedbackOptions: FeedbackOptions = {};

export const feedbackExtension: NodeExtension = async (node: RunningNode) => {
  nodeMasterKeys.set(node.store, node.masterKey);
  node.intake.suppression = createSuppressionCheck(node.store);
  const closers: (() => Promise<void>)[] = [];
  const roles = node.config.roles;
  if (roles.includes('mx')) {
    const tls = await loadTls(node.config);
    const server = createMxServer({
      store: node.store,
      hostname: node.config.hostname,
      bounceDomain: node.config.bounceDomain,
      verpKey: node.intake.verpKey,
      masterKey: node.masterKey,
      registry: node.metrics.registry,
      tls,
    });
    node.ports.mx = await new Promise<number>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(node.config.mxPort, node.config.smtpHost, () => {
        server.server.off('error', reject);
        resolve((server.server.address() as AddressInfo).port);
      });
    });
    closers.push(() => new Promise((r) => server.close(() => r())));
  }
  if (roles.includes('api') || roles.includes('mta')) {
    const d = new WebhookDispatcher({
      store: node.store,
      masterKey: node.masterKey,
      registry: node.metrics.registry,
      owner: `node-${node.config.nodeId}-${process.pid}`,
      intervalMs: feedbackOptions.webhookIntervalMs,
      settleMs: feedbackOptions.webhookSettleMs,
      timeoutMs: feedbackOptions.webhookTimeoutMs,
    });
    d.start();
    closers.push(() => d.stop());
    closers.push(startHardBounceSuppressor(node.store, { owner: `node-${node.config.nodeId}-${process.pid}`, intervalMs: feedbackOptions.webhookIntervalMs, settleMs: feedbackOptions.webhookSettleMs }));
  }
  return async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
  };
};

let mounted = false;
/** Registers the HTTP routes (idempotent); runs on import, before any app is created. */
export function registerFeedbackRoutes(): void {
  if (mounted) return;
  mounted = true;
  extraMounts.push(mountFeedbackRoutes);
  adminMounts.push(mountFeedbackAdminRoutes);
}

/**
 * Adds the node extension to a node-extension list (idempotent), e.g.
 * `registerFeedback(nodeExtensions)` from relais-node.ts or a test.
 */
export function registerFeedback(extensions: NodeExtension[]): void {
  registerFeedbackRoutes();
  if (!extensions.includes(feedbackExtension)) extensions.push(feedbackExtension);
}

registerFeedbackRoutes();
