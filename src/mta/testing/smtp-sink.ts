// Postfix's smtp-sink as a real receiving MTA for tests and benchmarks: a free loopback
// port, optional dumps of every message (with X-Client-Addr / X-Helo-Args headers).
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SMTP_SINK = '/usr/sbin/smtp-sink';
export const SMTP_SOURCE = '/usr/sbin/smtp-source';

export function smtpSinkMissing(): string | undefined {
  return existsSync(SMTP_SINK) ? undefined : 'smtp-sink not installed (Debian package postfix)';
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function waitListening(host: string, port: number, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await new Promise<boolean>((r) => {
      const c = connect(port, host, () => {
        c.destroy();
        r(true);
      });
      c.once('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error(`smtp-sink did not listen on ${host}:${port}`);
}

export interface Sink {
  port: number;
  /** directory of dumped messages (when dump was asked) */
  dir?: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** extra: smtp-sink flags, e.g. ['-r', 'RCPT'] for 4xx on RCPT. */
export async function startSmtpSink(opts: { dump?: boolean; extra?: string[]; backlog?: number } = {}): Promise<Sink> {
  const port = await freePort();
  // As root smtp-sink must be told whose privileges to drop to; otherwise it runs as us.
  const args = [...(process.getuid?.() === 0 ? ['-u', 'nobody'] : []), ...(opts.extra ?? [])];
  let dir: string | undefined;
  if (opts.dump) {
    dir = mkdtempSync(join(tmpdir(), 'relais-sink-'));
    chmodSync(dir, 0o777);
    args.push('-d', `${dir}/`);
  }
  args.push(`127.0.0.1:${port}`, String(opts.backlog ?? 256));
  const child = spawn(SMTP_SINK, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  await waitListening('127.0.0.1', port);
  return {
    port,
    dir,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
