// SMTP intake: Postfix's smtp-source into Relais submission, and in the same run into a
// stock Postfix on loopback (both durable: Relais fsyncs its spool, Postfix its queue
// file), same message size, sessions and count. Prints both rates and the ratio.
// Usage: node bench/intake-smtp.ts [--messages 5000] [--sessions 20] [--size 4096]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startPostfix, postfixAvailable } from './support/postfix-instance.ts';
import { startRelaisProcess } from './support/relais-process.ts';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const messages = arg('messages', 5000);
const sessions = arg('sessions', 20);
const size = arg('size', 4096);
if (!postfixAvailable()) {
  console.error('postfix is not installed (apt-get install postfix): it provides smtp-source and the peer');
  process.exit(2);
}

function smtpSource(port: number): number {
  const t0 = performance.now();
  // -s sessions in parallel, -m messages in all, -l body size, -c shows progress
  const r = spawnSync('/usr/sbin/smtp-source', ['-s', String(sessions), '-m', String(messages), '-l', String(size), '-f', 'sender@acme.example', '-t', 'rcpt@example.net', '-c', `127.0.0.1:${port}`], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`smtp-source failed: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

process.stderr.write(`Relais: ${messages} messages of ${size} bytes over ${sessions} sessions...\n`);
const relais = await startRelaisProcess((tenantId) => ({ RELAIS_ROLES: 'smtp', RELAIS_SMTP_TRUSTED_NETWORKS: '127.0.0.0/8', RELAIS_SMTP_TRUSTED_TENANT: String(tenantId) }));
// CPU seconds the server process used (user + system, from /proc): on a shared machine the
// wall-clock rate moves with the load, the CPU cost per message much less.
const cpuSeconds = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
};
const cpu0 = cpuSeconds(relais.child.pid!);
const relaisSeconds = smtpSource(relais.ports.smtp!);
const relaisCpuMs = ((cpuSeconds(relais.child.pid!) - cpu0) * 1000) / messages;
const { spawnSync: sp } = await import('node:child_process');
const counted = sp(process.execPath, ['-e', `
  const { DatabaseSync } = require('node:sqlite');
  const db = new DatabaseSync(${JSON.stringify(`${relais.dataDir}/relais.db`)});
  console.log(db.prepare('select count(*) as c from messages').get().c);
`], { encoding: 'utf8' });
const relaisSpooled = Number(counted.stdout.trim());
await relais.stop();

process.stderr.write(`Postfix: the same load...\n`);
const pf = startPostfix({ port: 20000 + (process.pid % 10000) });
await new Promise((r) => setTimeout(r, 1500));
const postfixSeconds = smtpSource(pf.port);
pf.stop();

const relaisRate = messages / relaisSeconds;
const postfixRate = messages / postfixSeconds;
console.log(`Relais : ${relaisRate.toFixed(0)} msg/s (${relaisSeconds.toFixed(2)} s, ${relaisSpooled} spooled, ${relaisCpuMs.toFixed(2)} ms CPU per message)`);
console.log(`Postfix: ${postfixRate.toFixed(0)} msg/s (${postfixSeconds.toFixed(2)} s)`);
console.log(`relais_msgs_per_s=${relaisRate.toFixed(0)} postfix_msgs_per_s=${postfixRate.toFixed(0)} ratio=${(relaisRate / postfixRate).toFixed(2)} relais_cpu_ms_per_msg=${relaisCpuMs.toFixed(2)} messages=${messages} size=${size} sessions=${sessions}`);
