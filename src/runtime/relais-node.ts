// The composition root: one Relais node with the roles its configuration names. Opens
// the store, runs migrations, loads keys and TLS, then starts the listeners.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { serve } from '@hono/node-server';
import type { SMTPServer } from 'smtp-server';
import { createApp } from '../api/app.ts';
import { TenantAuthenticator } from '../api/auth.ts';
import type { ApiDeps } from '../api/deps.ts';
import { createMetrics, type Metrics } from '../api/metrics.ts';
import { type Config, httpUsesTls } from '../core/config.ts';
import { setNodeId, randomToken } from '../core/ids.ts';
import { deriveKey, loadMasterKey } from '../core/secret-box.ts';
import type { IntakeContext, IntakeStep, SuppressionCheck } from '../intake/types.ts';
import { createSubmissionServer } from '../smtp/submission-server.ts';
import { Spool } from '../spool/spool.ts';
import { openStore, type Store } from '../store/database.ts';
import { migrate } from '../store/migrate.ts';
import { loadTls } from './tls.ts';
import { setFlagsFromString } from 'node:v8';

export interface RunningNode {
  config: Config;
  store: Store;
  spool: Spool;
  metrics: Metrics;
  intake: IntakeContext;
  masterKey: Buffer;
  adminToken: string;
  ports: { http?: number; smtp?: number; smtps?: number; mx?: number };
  httpUrl?: string;
  tlsGenerated: boolean;
  stop(): Promise<void>;
}

/** Hooks later capabilities use to add listeners or background work to a node. */
export type NodeExtension = (node: RunningNode) => Promise<(() => Promise<void>) | undefined>;
export const nodeExtensions: NodeExtension[] = [];
/** Intake steps other capabilities add (content gate, domain gate), each placed before a named step. */
export const intakeSteps: { before: string; step: IntakeStep }[] = [];

const noSuppression: SuppressionCheck = { check: async () => null };

export function loadAdminToken(cfg: Config): { token: string; file?: string } {
  if (cfg.adminToken) return { token: cfg.adminToken };
  const file = join(cfg.dataDir, 'admin.token');
  if (existsSync(file)) return { token: readFileSync(file, 'utf8').trim(), file };
  const token = `rat_${randomToken(24)}`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, file };
}

function listen(server: SMTPServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, host, () => {
      server.server.off('error', reject);
      resolve((server.server.address() as AddressInfo).port);
    });
  });
}

/**
 * A node keeps many message bodies (ArrayBuffers outside the JavaScript heap) alive for
 * tens of milliseconds each. V8 by default runs a full collection whenever such external
 * memory has grown by a fixed 64 MB, which at 100 KB messages meant one every ~100 messages
 * (a third of a core at 450 msgs/s). Accounting it in V8's global, growing limit instead
 * cut full collections from 32 to 10 per 3,000 relayed 100 KB messages (bench notes).
 */
function tuneGarbageCollector(): void {
  setFlagsFromString('--external-memory-accounted-in-global-limit');
  // After a full collection V8 lets the heap grow by a factor it picks (often ~1.5x) before
  // the next. Message bodies churn external memory fast, so that meant a full collection
  // every ~400 relayed 100 KB messages. Growing 4x cut them from 13-16 to 3-4 per 6,000
  // and the collector threads' CPU from ~0.30 to ~0.19 ms per message (bench notes); the
  // heap stays small (tens of MB live), and bench/queue-memory keeps the peak in check.
  setFlagsFromString('--heap-growing-percent=300');
}

export async function startNode(config: Config, opts: { suppression?: SuppressionCheck } = {}): Promise<RunningNode> {
  setNodeId(config.nodeId);
  tuneGarbageCollector();
  // Capabilities register their hooks when imported; importing here, not at the top,
  // keeps the registries above initialised before those modules push into them.
  await import('./extensions.ts');
  mkdirSync(config.dataDir, { recursive: true });
  const store = await openStore(config.databaseUrl);
  await migrate(store);
  const { key: masterKey } = loadMasterKey(config);
  const { token: adminToken } = loadAdminToken(config);
  const tls = await loadTls(config);
  const metrics = createMetrics();
  const spool = new Spool(store, config.spoolGroupCommitMs);
  const intake: IntakeContext = {
    store,
    config,
    spool,
    suppression: opts.suppression ?? noSuppression,
    verpKey: deriveKey(masterKey, 'verp'),
    extraSteps: intakeSteps,
  };
  const auth = new TenantAuthenticator(store);
  const closers: (() => Promise<void>)[] = [];
  const ports: RunningNode['ports'] = {};
  let listenersUp = false;
  const node: RunningNode = {
    config, store, spool, metrics, intake, masterKey, adminToken, ports, tlsGenerated: tls.generated,
    async stop() {
      for (const c of closers.reverse()) await c().catch(() => {});
      await spool.close();
      await store.close();
    },
  };

  if (config.roles.includes('api')) {
    const deps: ApiDeps = { store, config, auth, intake, metrics, adminToken, masterKey, ready: () => listenersUp };
    const app = createApp(deps);
    const useTls = httpUsesTls(config);
    const server = serve({
      fetch: app.fetch,
      port: config.httpPort,
      hostname: config.httpHost,
      ...(useTls ? { createServer: createHttpsServer, serverOptions: { key: tls.key, cert: tls.cert } } : {}),
    });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    ports.http = (server.address() as AddressInfo).port;
    node.httpUrl = `${useTls ? 'https' : 'http'}://${config.httpHost.includes(':') ? `[${config.httpHost}]` : config.httpHost}:${ports.http}`;
    closers.push(() => new Promise((r) => server.close(() => r())));
  }
  if (config.roles.includes('smtp')) {
    const deps = { config, store, auth, intake, metrics, tls };
    const plain = createSubmissionServer(deps, false);
    const secure = createSubmissionServer(deps, true);
    ports.smtp = await listen(plain, config.smtpPort, config.smtpHost);
    ports.smtps = await listen(secure, config.smtpsPort, config.smtpHost);
    closers.push(() => new Promise((r) => plain.close(() => r())));
    closers.push(() => new Promise((r) => secure.close(() => r())));
  }
  for (const ext of nodeExtensions) {
    const close = await ext(node);
    if (close) closers.push(close);
  }
  listenersUp = true;
  return node;
}
