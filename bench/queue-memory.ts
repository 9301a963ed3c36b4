// Resident memory with 1,000,000 messages queued for a site that is paused: the delivery
// loop runs, claims, sees the pause and hands the rows back to the scheduled queue (the
// database) without loading their bodies; memory stays bounded by maxInMemory.
//
//   node bench/queue-memory.ts [--messages 1000000] [--seconds 60]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { MemoryResolver } from '../src/dns/memory-resolver.ts';
import { DeliveryLoop } from '../src/mta/delivery-loop.ts';
import { openStore } from '../src/store/database.ts';
import { addRoute } from '../src/store/egress-repo.ts';
import { migrate } from '../src/store/migrate.ts';
import { queueCounts } from '../src/store/queue-repo.ts';
import { createTenant } from '../src/store/tenants-repo.ts';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}
const N = Number(arg('messages', '1000000'));
const SECONDS = Number(arg('seconds', '120'));
const log = (s: string) => process.stderr.write(`${s}\n`);
const mb = (b: number) => (b / 1048576).toFixed(0);

const dir = mkdtempSync(join(tmpdir(), 'relais-qmem-'));
const url = `sqlite:${join(dir, 'relais.db')}`;
const store = await openStore(url);
await migrate(store);
const tenant = await createTenant(store, 'Campaign sender');
await addRoute(store, 'example.net', '127.0.0.1:9'); // never reached: the site is paused

// Bulk load through a raw connection: the bench measures holding the queue, not intake.
{
  const raw = new DatabaseSync(join(dir, 'relais.db'));
  raw.exec('PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;');
  const now = Date.now();
  const body = Buffer.from(`From: <news@acme.example>\r\nSubject: Campaign\r\n\r\n${'x'.repeat(2000)}\r\n`);
  const insBody = raw.prepare('insert into bodies (id, tenant_id, raw, size, created_at) values (?, ?, ?, ?, ?)');
  const ins = raw.prepare(
    `insert into messages (id, uuid, tenant_id, body_id, stream, mail_from, recipient, recipient_domain, from_addr, status, attempts, next_attempt_at, expires_at, created_at, updated_at)
     values (?, ?, ?, ?, 'marketing', ?, ?, 'example.net', 'news@acme.example', 'queued', 0, ?, ?, ?, ?)`,
  );
  const perBody = 1000; // a campaign: one body per 1000 recipients
  raw.exec('BEGIN');
  for (let i = 0; i < N; i++) {
    const bodyId = 1 + Math.floor(i / perBody);
    if (i % perBody === 0) insBody.run(bodyId, tenant.id, body, body.length, now);
    ins.run(1_000_000 + i, `u-${i}`, tenant.id, bodyId, `b+${i}@bounces.relais.test`, `r${i}@example.net`, now, now + 3 * 86_400_000, now, now);
    if (i % 100_000 === 99_999) {
      raw.exec('COMMIT; BEGIN');
      log(`  queued ${i + 1}`);
    }
  }
  raw.exec('COMMIT');
  raw.close();
}
const rssAfterLoad = process.memoryUsage().rss;
log(`loaded ${N} messages; rss ${mb(rssAfterLoad)} MB`);

const loop = new DeliveryLoop({ store, resolver: new MemoryResolver({}), hostname: 'relais.test', pollMs: 200 });
const site = 'route:127.0.0.1:9';
await loop.pause('default', site, Date.now() + 3_600_000, 'bench: site paused');
let peak = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 100);
const start = Date.now();
await loop.start();
while (Date.now() - start < SECONDS * 1000 && loop.stats.released < N) {
  await new Promise((r) => setTimeout(r, 1000));
  log(`  ${((Date.now() - start) / 1000).toFixed(0)} s: claimed ${loop.stats.claimed}, handed back ${loop.stats.released}, held ${loop.snapshot().held}, rss ${mb(process.memoryUsage().rss)} MB`);
}
const counts = await queueCounts(store);
clearInterval(sampler);
const rss = process.memoryUsage().rss;
peak = Math.max(peak, rss);
await loop.stop();
await store.close();
rmSync(dir, { recursive: true, force: true });
console.log(`queued ${counts.queued ?? 0} messages, sent ${loop.stats.sent}, handed back to the scheduled queue ${loop.stats.released} in ${((Date.now() - start) / 1000).toFixed(0)} s`);
console.log(`messages=${N} queued=${counts.queued ?? 0} sent=${loop.stats.sent} rss_mb=${mb(rss)} peak_rss_mb=${mb(peak)} rss_after_load_mb=${mb(rssAfterLoad)}`);
process.exit(0);
