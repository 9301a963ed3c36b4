// A private, stock Postfix instance on loopback (its own config, queue and data
// directories under a temp dir) for benchmarks and real-peer tests: listens on a loopback
// port and relays everything to one next hop (relayhost), like a smarthost setup.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './smtp-sink.ts';

export const POSTFIX = '/usr/sbin/postfix';

export function postfixMissing(): string | undefined {
  if (!existsSync(POSTFIX)) return 'postfix not installed (Debian package postfix)';
  if (process.getuid?.() !== 0) return 'a private postfix instance needs root';
  return undefined;
}

export interface PostfixInstance {
  port: number;
  dir: string;
  /** messages still in the queue (active, incoming, deferred, maildrop) */
  queued(): number;
  stop(): Promise<void>;
}

const MASTER = `
{{LISTEN}} inet n - n - - smtpd
pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
tlsmgr unix - - n 1000? 1 tlsmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
local unix - n n - - local
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
`;

export async function startPostfix(opts: { relayhost: string; extraMain?: Record<string, string> }): Promise<PostfixInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'relais-postfix-'));
  chmodSync(dir, 0o755); // the postfix user must reach its queue and data directories
  const etc = join(dir, 'etc');
  mkdirSync(etc);
  const port = await freePort();
  const main: Record<string, string> = {
    compatibility_level: '3.6',
    queue_directory: join(dir, 'queue'),
    data_directory: join(dir, 'data'),
    mail_owner: 'postfix',
    setgid_group: 'postdrop',
    myhostname: 'postfix-bench.relais.test',
    mydomain: 'relais.test',
    inet_interfaces: '127.0.0.1',
    inet_protocols: 'ipv4',
    mydestination: '',
    local_recipient_maps: '',
    relay_domains: '',
    mynetworks: '127.0.0.0/8',
    smtpd_relay_restrictions: 'permit_mynetworks, reject',
    relayhost: opts.relayhost,
    maillog_file: join(dir, 'maillog'),
    maillog_file_prefixes: tmpdir(),
    alias_maps: '',
    alias_database: '',
    biff: 'no',
    smtp_tls_security_level: 'none',
    smtpd_tls_security_level: 'none',
    ...opts.extraMain,
  };
  writeFileSync(join(etc, 'main.cf'), Object.entries(main).map(([k, v]) => `${k} = ${v}`).join('\n') + '\n');
  writeFileSync(join(etc, 'master.cf'), MASTER.replace('{{LISTEN}}', `127.0.0.1:${port}`));
  mkdirSync(main.queue_directory, { mode: 0o755 });
  mkdirSync(main.data_directory, { mode: 0o700 });
  spawnSync('chown', ['postfix', main.data_directory]);
  const run = (...args: string[]) => spawnSync(POSTFIX, ['-c', etc, ...args], { encoding: 'utf8' });
  const started = run('start');
  if (started.status !== 0) {
    // Postfix reports start-up errors to syslog; its maillog file may hold them too.
    const log = existsSync(main.maillog_file) ? readFileSync(main.maillog_file, 'utf8').slice(-2000) : '';
    if (!process.env.RELAIS_KEEP_POSTFIX) rmSync(dir, { recursive: true, force: true });
    throw new Error(`postfix start failed (${dir}): ${started.stderr || started.stdout} ${log}`);
  }
  const end = Date.now() + 10_000;
  const { connect } = await import('node:net');
  while (Date.now() < end) {
    const ok = await new Promise<boolean>((r) => {
      const c = connect(port, '127.0.0.1', () => {
        c.destroy();
        r(true);
      });
      c.once('error', () => r(false));
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    dir,
    queued() {
      const q = spawnSync('/usr/sbin/postqueue', ['-c', etc, '-j'], { encoding: 'utf8' });
      return q.stdout.split('\n').filter((l) => l.trim().startsWith('{')).length;
    },
    async stop() {
      run('stop');
      await new Promise((r) => setTimeout(r, 300));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
