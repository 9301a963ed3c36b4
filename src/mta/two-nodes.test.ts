// Two delivery loops on one PostgreSQL store (two nodes): FOR UPDATE SKIP LOCKED and leases
// split the queue between them; every message is delivered exactly once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freshPostgres, PG_SKIP_REASON, PG_URL } from '../../test/support/stores.ts';
import { MemoryResolver } from '../dns/memory-resolver.ts';
import { openStore } from '../store/database.ts';
import { addRoute } from '../store/egress-repo.ts';
import { createTenant } from '../store/tenants-repo.ts';
import { DeliveryLoop } from './delivery-loop.ts';
import { enqueue } from './testing/enqueue.ts';
import { startReceiver } from './testing/receiver.ts';

test('two nodes share a PostgreSQL queue without delivering anything twice', async (t) => {
  if (!PG_URL) return t.skip(PG_SKIP_REASON);
  const rx = await startReceiver({ dataDelayMs: 2 });
  const ts = await freshPostgres();
  const second = await openStore(ts.store.url);
  const loops: DeliveryLoop[] = [];
  try {
    const tenant = (await createTenant(ts.store, 'Acme')).id;
    await addRoute(ts.store, 'example.net', `127.0.0.1:${rx.port}`);
    await enqueue(ts.store, { tenantId: tenant, recipients: Array.from({ length: 400 }, (_, i) => `r${i}@example.net`) });
    for (const [store, owner] of [[ts.store, 'node-a'], [second, 'node-b']] as const) {
      const loop = new DeliveryLoop({ store, resolver: new MemoryResolver({}), hostname: 'relais.test', owner, claimBatch: 25, pollMs: 50 });
      loops.push(loop);
    }
    await Promise.all(loops.map((l) => l.start()));
    const end = Date.now() + 30_000;
    while (rx.messages.length < 400 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    // The receiver has a message before its sender has read the final reply and counted it.
    const counted = Date.now() + 5000;
    while (loops[0].stats.sent + loops[1].stats.sent < 400 && Date.now() < counted) await new Promise((r) => setTimeout(r, 20));
    const seen = new Map<string, number>();
    for (const m of rx.messages) seen.set(m.to[0], (seen.get(m.to[0]) ?? 0) + 1);
    assert.equal(seen.size, 400);
    assert.ok([...seen.values()].every((n) => n === 1), 'nothing delivered twice');
    assert.ok(loops.every((l) => l.stats.sent > 0), `both nodes worked: ${loops.map((l) => l.stats.sent).join(' + ')}`);
    assert.equal(loops[0].stats.sent + loops[1].stats.sent, 400);
  } finally {
    for (const l of loops) await l.stop();
    await second.close();
    await rx.close();
    await ts.dispose();
  }
});
