// kill -9 during delivery, then a new loop: every queued message arrives at least once;
// only those in flight (or whose outcome was not yet committed) may arrive twice.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freshSqlite } from '../../test/support/stores.ts';
import { MemoryResolver } from '../dns/memory-resolver.ts';
import { addRoute } from '../store/egress-repo.ts';
import { createTenant } from '../store/tenants-repo.ts';
import { DeliveryLoop } from './delivery-loop.ts';
import { enqueue } from './testing/enqueue.ts';
import { startReceiver } from './testing/receiver.ts';

test('kill -9 mid-delivery: after restart every message is delivered at least once', async (t) => {
  const rx = await startReceiver({ dataDelayMs: 10 });
  const ts = await freshSqlite();
  const store = ts.store;
  const tenant = (await createTenant(store, 'Acme')).id;
  await addRoute(store, 'example.net', `127.0.0.1:${rx.port}`);
  const N = 300;
  await enqueue(store, { tenantId: tenant, recipients: Array.from({ length: N }, (_, i) => `r${i}@example.net`) });
  const child = spawn(process.execPath, [fileURLToPath(new URL('./testing/crash-child.ts', import.meta.url)), store.url, '1500'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let loop: DeliveryLoop | undefined;
  try {
    const end = Date.now() + 20_000;
    while (rx.messages.length < 60 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    assert.ok(rx.messages.length >= 60, 'child delivered before the kill');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const beforeRestart = rx.messages.length;
    assert.ok(beforeRestart < N, 'killed mid-run');
    loop = new DeliveryLoop({ store, resolver: new MemoryResolver({}), hostname: 'relais.test', pollMs: 100, owner: 'restarted' });
    await loop.start();
    const end2 = Date.now() + 30_000;
    while (Date.now() < end2) {
      const sent = await store.db.selectFrom('messages').select('id').where('status', '=', 'sent').execute();
      if (sent.length === N) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const rows = await store.db.selectFrom('messages').select(['recipient', 'status']).execute();
    assert.equal(rows.filter((r) => r.status === 'sent').length, N, 'every message ends sent');
    const got = new Map<string, number>();
    for (const m of rx.messages) got.set(m.to[0], (got.get(m.to[0]) ?? 0) + 1);
    assert.equal(got.size, N, 'every recipient received at least once');
    const twice = [...got.values()].filter((n) => n > 1).length;
    t.diagnostic(`delivered before kill ${beforeRestart}, total ${rx.messages.length}, delivered twice ${twice}`);
    // In flight at the kill: at most 4 connections, plus outcomes not yet committed (10 ms window).
    assert.ok(twice <= 20, `${twice} duplicates`);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await loop?.stop();
    await rx.close();
    await ts.dispose();
  }
});
