// A private Postfix instance for side-by-side benchmarks: its own config, queue and data
// directories under a temp dir, listening on one loopback port, relaying everything to a
// fixed next hop (or discarding it). The system Postfix is left alone.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PostfixInstance {
  port: number;
  dir: string;
  /** messages still in Postfix's queue */
  queueSize(): number;
  stop(): void;
}

function readMaillog(dir: string): string {
  try {
    return readFileSync(join(dir, 'maillog'), 'utf8').slice(-2000);
  } catch {
    return '';
  }
}

export function postfixAvailable(): boolean {
  return spawnSync('/usr/sbin/postfix', ['-h'], { stdio: 'ignore' }).error === undefined;
}

export function startPostfix(opts: { port: number; nextHop?: string; name?: string }): PostfixInstance {
  const dir = mkdtempSync(join(tmpdir(), `postfix-${opts.name ?? 'bench'}-`));
  const etc = join(dir, 'etc');
  mkdirSync(etc);
  const master = readFileSync('/etc/postfix/master.cf', 'utf8').replace(/^smtp\s+inet\s.*$/m, `127.0.0.1:${opts.port} inet n - n - - smtpd`);
  writeFileSync(join(etc, 'master.cf'), master);
  writeFileSync(
    join(etc, 'main.cf'),
    [
      `queue_directory = ${join(dir, 'spool')}`,
      `data_directory = ${join(dir, 'data')}`,
      'compatibility_level = 3.6',
      'myhostname = postfix-bench.localdomain',
      'inet_interfaces = 127.0.0.1',
      'inet_protocols = ipv4',
      'mynetworks = 127.0.0.0/8',
      'smtpd_relay_restrictions = permit_mynetworks, reject',
      'smtpd_recipient_restrictions = permit_mynetworks, reject',
      'mydestination =',
      'alias_maps =',
      'alias_database =',
      'local_recipient_maps =',
      'smtp_host_lookup = native',
      'disable_dns_lookups = yes',
      'smtputf8_enable = no',
      `maillog_file_prefixes = ${dir}`,
      `maillog_file = ${join(dir, 'maillog')}`,
      'default_process_limit = 100',
      'smtpd_client_connection_count_limit = 0',
      'smtpd_client_connection_rate_limit = 0',
      'smtp_destination_concurrency_limit = 20',
      'default_destination_concurrency_limit = 20',
      'message_size_limit = 52428800',
      opts.nextHop ? `default_transport = smtp:[${opts.nextHop.split(':')[0]}]:${opts.nextHop.split(':')[1]}` : 'default_transport = discard:bench',
      opts.nextHop ? `relayhost = [${opts.nextHop.split(':')[0]}]:${opts.nextHop.split(':')[1]}` : '',
      '',
    ].join('\n'),
  );
  for (const d of ['spool', 'data']) mkdirSync(join(dir, d));
  execFileSync('chown', ['postfix', join(dir, 'data')]);
  execFileSync('chmod', ['755', dir]);
  const check = spawnSync('/usr/sbin/postfix', ['-c', etc, 'check'], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`postfix check failed: ${check.stderr}${readMaillog(dir)}`);
  execFileSync('/usr/sbin/postfix', ['-c', etc, 'start'], { stdio: 'ignore' });
  return {
    port: opts.port,
    dir,
    queueSize() {
      const out = spawnSync('/usr/sbin/postqueue', ['-c', etc, '-j'], { encoding: 'utf8' }).stdout ?? '';
      return out.split('\n').filter((l) => l.trim().startsWith('{')).length;
    },
    stop() {
      spawnSync('/usr/sbin/postfix', ['-c', etc, 'stop'], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
