// Starts Relais as a child process (as an operator would) on a temp data dir, with a
// tenant and key created through the CLI, for benchmarks.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv, relaisJson, spawnRelais } from '../../test/support/relais-child.ts';

export interface RelaisProcess {
  child: ChildProcess;
  http: string;
  ports: { http?: number; smtp?: number; smtps?: number; mx?: number };
  tenantId: number;
  keyId: string;
  secret: string;
  dataDir: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startRelaisProcess(extraEnv: (tenantId: number) => Record<string, string> = () => ({})): Promise<RelaisProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'relais-bench-'));
  const base = childEnv(dataDir);
  const created = relaisJson(base, 'tenant', 'create', 'Bench', '--key');
  const env = { ...base, ...extraEnv(created.tenant.id) };
  const { child, banner } = await spawnRelais(env, { nodeFlags: process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : [], stderr: 'inherit' });
  return {
    child,
    http: banner.http,
    ports: banner.ports,
    tenantId: created.tenant.id,
    keyId: created.key.id,
    secret: created.key.secret,
    dataDir,
    env,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
