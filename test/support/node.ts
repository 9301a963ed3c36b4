// Starts a real Relais node for a test: temp data dir, ephemeral ports, SQLite or a
// throwaway PostgreSQL schema, plus a tenant with an all-scopes API key.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/core/config.ts';
import { startNode, type RunningNode } from '../../src/runtime/relais-node.ts';
import { createApiKey } from '../../src/store/api-keys-repo.ts';
import { createTenant } from '../../src/store/tenants-repo.ts';
import { PG_URL } from './stores.ts';
import nodemailer from 'nodemailer';
import pg from 'pg';

export interface TestNode {
  node: RunningNode;
  url: string;
  tenantId: number;
  keyId: string;
  secret: string;
  basic: string;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startTestNode(
  opts: { dialect?: 'sqlite' | 'postgres'; env?: Record<string, string>; roles?: string; dataDir?: string; keepData?: boolean } = {},
): Promise<TestNode> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'relais-node-'));
  let dbUrl = `sqlite:${join(dataDir, 'relais.db')}`;
  let schema: string | undefined;
  if (opts.dialect === 'postgres') {
    if (!PG_URL) throw new Error('no PostgreSQL');
    schema = `n_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`create schema ${schema}`);
    await c.end();
    dbUrl = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  }
  const config = loadConfig({
    env: {
      RELAIS_DATA_DIR: dataDir,
      RELAIS_DATABASE_URL: dbUrl,
      RELAIS_HTTP_PORT: '0',
      RELAIS_SMTP_PORT: '0',
      RELAIS_SMTPS_PORT: '0',
      RELAIS_MX_PORT: '0',
      RELAIS_HOSTNAME: 'relais.test',
      RELAIS_ROLES: opts.roles ?? 'api,smtp',
      RELAIS_LOG_LEVEL: 'silent',
      // Most tests send from unverified domains; the domain tests turn the gate back on.
      RELAIS_REQUIRE_VERIFIED_DOMAINS: 'false',
      ...opts.env,
    },
  });
  const node = await startNode(config);
  const tenant = await createTenant(node.store, 'Test Tenant');
  const { key, secret } = await createApiKey(node.store, tenant.id);
  return {
    node,
    url: node.httpUrl ?? '',
    tenantId: tenant.id,
    keyId: key.id,
    secret,
    basic: `Basic ${Buffer.from(`${key.id}:${secret}`).toString('base64')}`,
    dataDir,
    async stop() {
      await node.stop();
      if (!opts.keepData) rmSync(dataDir, { recursive: true, force: true });
      if (schema) {
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`drop schema ${schema} cascade`);
        await c.end();
      }
    },
  };
}

/** A nodemailer transport that submits to the node as its tenant (STARTTLS, then AUTH with the API key). */
export function submissionTransport(n: TestNode, opts: Record<string, unknown> = {}) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: n.node.ports.smtp,
    secure: false,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
    auth: { user: n.keyId, pass: n.secret },
    ...opts,
  } as never);
}
