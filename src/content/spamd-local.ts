// Starts Debian's spamd on loopback for tests and the evaluation: local tests only (-L),
// no Bayes, no per-user config, in a throwaway site-config directory so the machine's
// /etc/spamassassin is read but never changed. Not used in production paths.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spamdCheck } from './spamd.ts';

export function spamdBinary(): string | undefined {
  for (const p of ['/usr/sbin/spamd', '/usr/bin/spamd']) if (existsSync(p)) return p;
  try {
    return execFileSync('sh', ['-c', 'command -v spamd'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface LocalSpamd {
  host: string;
  port: number;
  stop: () => Promise<void>;
}

/** Starts spamd and waits until it answers; throws with spamd's stderr when it does not. */
export async function startLocalSpamd(opts: { children?: number; readyTimeoutMs?: number } = {}): Promise<LocalSpamd> {
  const bin = spamdBinary();
  if (!bin) throw new Error('spamd not installed (apt-get install spamassassin)');
  const dir = mkdtempSync(join(tmpdir(), 'relais-spamd-'));
  chmodSync(dir, 0o755);
  if (existsSync('/etc/spamassassin')) {
    for (const f of readdirSync('/etc/spamassassin')) if (f.endsWith('.pre')) copyFileSync(join('/etc/spamassassin', f), join(dir, f));
  }
  writeFileSync(join(dir, 'local.cf'), 'use_bayes 0\nbayes_auto_learn 0\nskip_rbl_checks 1\n');
  const port = await freePort();
  const children = String(opts.children ?? 2);
  const args = ['-L', '-x', '--listen', `127.0.0.1:${port}`, '--allowed-ips', '127.0.0.1', '--siteconfigpath', dir, '--max-children', children, '--min-children', children, '--syslog', 'stderr', '--helper-home-dir', dir];
  if (process.getuid?.() === 0) args.push('-u', 'nobody');
  const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 20_000) stderr += d.toString();
  });
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise<void>((r) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          r();
        }, 5000);
        child.once('exit', () => {
          clearTimeout(t);
          r();
        });
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  const probe = 'From: probe@example.org\r\nTo: probe@example.org\r\nSubject: probe\r\n\r\nprobe\r\n';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      await spamdCheck(probe, { host: '127.0.0.1', port, timeoutMs: 5000 });
      return { host: '127.0.0.1', port, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  await stop();
  throw new Error(`spamd did not start: ${stderr.slice(-2000)}`);
}
