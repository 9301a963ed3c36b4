// Relais as a child process, as an operator runs it: the `relais` CLI with --json, and
// `relais start` up to its banner (where it listens). For crash tests and benchmarks.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const cli = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');

/**
 * Environment for a throwaway node in `dataDir`: ephemeral ports, quiet logs, unverified
 * sending domains allowed (tests and benchmarks send from example domains), plus `extra`.
 */
export function childEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    RELAIS_DATA_DIR: dataDir,
    RELAIS_REQUIRE_VERIFIED_DOMAINS: 'false',
    RELAIS_HTTP_PORT: '0',
    RELAIS_SMTP_PORT: '0',
    RELAIS_SMTPS_PORT: '0',
    RELAIS_MX_PORT: '0',
    RELAIS_LOG_LEVEL: 'silent',
    ...extra,
  };
}

/** Runs `relais ARGS --json` and returns its last JSON line; throws with stderr when it fails. */
export function relaisJson(env: Record<string, string>, ...args: string[]): any {
  const r = spawnSync(process.execPath, [cli, ...args, '--json'], { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`relais ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

export interface RelaisBanner {
  http: string;
  ports: { http?: number; smtp?: number; smtps?: number; mx?: number };
}

/** Starts `relais start --json` and resolves once it printed its banner. */
export async function spawnRelais(env: Record<string, string>, opts: { nodeFlags?: string[]; stderr?: 'inherit' | 'pipe' } = {}): Promise<{ child: ChildProcess; banner: RelaisBanner }> {
  const child = spawn(process.execPath, [...(opts.nodeFlags ?? []), cli, 'start', '--json'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', opts.stderr ?? 'pipe'] });
  const banner = await new Promise<RelaisBanner>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d) => {
      buf += d;
      const line = buf.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`relais exited early (${code})`)));
  });
  return { child, banner };
}
