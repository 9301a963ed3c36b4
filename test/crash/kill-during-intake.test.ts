// Durability: a node killed with SIGKILL in the middle of a load must have every message
// it acknowledged (HTTP 200 with a MessageID, SMTP 250 "queued as") in its spool exactly
// once after a restart.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../src/store/database.ts';
import { loadBodies } from '../../src/store/queue-repo.ts';
import { childEnv, relaisJson, spawnRelais } from '../support/relais-child.ts';



test('kill -9 during an HTTP load: every acknowledged message is spooled exactly once', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'relais-crash-'));
  const env = childEnv(dataDir, { RELAIS_ROLES: 'api' });
  try {
    const created = relaisJson(env, 'tenant', 'create', 'Crash Test', '--key');
    const auth = `Basic ${Buffer.from(`${created.key.id}:${created.key.secret}`).toString('base64')}`;
    const { child, banner } = await spawnRelais(env);
    const acked: number[] = [];
    let stop = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop && i < 10000; i++) {
        try {
          const res = await fetch(`${banner.http}/v3.1/send`, {
            method: 'POST',
            headers: { authorization: auth, 'content-type': 'application/json' },
            body: JSON.stringify({ Messages: Array.from({ length: 5 }, (_, k) => ({ From: { Email: 'a@acme.example' }, To: [{ Email: `r${w}-${i}-${k}@example.net` }], Subject: 'x', TextPart: 'y' })) }),
          });
          if (res.status !== 200) continue;
          const b = (await res.json()) as any;
          for (const m of b.Messages) acked.push(m.To[0].MessageID);
        } catch {
          return; // connection reset by the kill
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    // Kill mid-load: once a fair number were acknowledged (a loaded CI machine is slow to warm up).
    const t0 = Date.now();
    while (acked.length < 300 && Date.now() - t0 < 30000) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    assert.ok(acked.length > 50, `load too small to mean anything: ${acked.length}`);
    const store = await openStore(`sqlite:${join(dataDir, 'relais.db')}`);
    try {
      const ids = new Set<number>();
      const bodyIds = new Set<number>();
      for (let i = 0; i < acked.length; i += 500) {
        const rows = await store.db.selectFrom('messages').select(['id', 'body_id']).where('id', 'in', acked.slice(i, i + 500)).execute();
        for (const r of rows) {
          ids.add(Number(r.id));
          bodyIds.add(Number(r.body_id));
        }
      }
      // and their content: on SQLite in body files, written before the rows that name them
      const bodies = await loadBodies(store, [...bodyIds]);
      const unreadable = [...bodyIds].filter((id) => !/^Subject: x$/m.test(bodies.get(id)?.toString() ?? ''));
      assert.deepEqual(unreadable, [], `${unreadable.length} of ${bodyIds.size} acknowledged bodies unreadable`);
      const missing = acked.filter((id) => !ids.has(id));
      assert.deepEqual(missing, [], `${missing.length} of ${acked.length} acknowledged messages lost`);
      const dup = await store.db.selectFrom('messages').select(['recipient', (eb) => eb.fn.countAll().as('c')]).groupBy('recipient').having((eb) => eb.fn.countAll(), '>', 1).execute();
      assert.deepEqual(dup, [], 'no message spooled twice');
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
