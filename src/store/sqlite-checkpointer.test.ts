import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { openStore, type Store } from './database.ts';
import { migrate } from './migrate.ts';
import { checkpointerRunning, checkpointerThread, startCheckpointer } from './sqlite-checkpointer.ts';
import { createSpoolWriter } from './spool-writer.ts';
import { createTenant } from './tenants-repo.ts';

/** A migrated SQLite database in a fresh directory, removed afterwards. */
async function withDatabase(run: (file: string, store: Store) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
  const file = join(dir, 'relais.db');
  const store = await openStore(`sqlite:${file}`);
  try {
    await migrate(store);
    await run(file, store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('while a spool writer runs, its own thread checkpoints the WAL and no connection does it in a commit', () =>
  withDatabase(async (file, store) => {
    const tenantId = (await createTenant(store, 'T')).id;
    assert.equal(checkpointerRunning(file), false);
    const writer = createSpoolWriter(store, { bodyFiles: false });
    assert.equal(checkpointerRunning(file), true);
    const later = await openStore(`sqlite:${file}`);
    const auto = async (s: typeof store) => Number(Object.values((await sql`pragma wal_autocheckpoint`.execute(s.db)).rows[0] as object)[0]);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(await auto(store), 0, 'the node connection leaves checkpoints to the thread');
    assert.equal(await auto(later), 0, 'so does one opened afterwards');
    const before = statSync(file).size;
    const body = Buffer.alloc(1_000_000, 'x');
    for (let i = 0; i < 8; i++) {
      await writer.write([{ bodies: [{ id: 1000 + i, tenant_id: tenantId, raw: body, size: body.length, created_at: 1 }], messages: [], events: [] }]);
    }
    // Only a checkpoint copies pages from the WAL into the database file.
    const end = Date.now() + 3000;
    while (statSync(file).size < before + 8_000_000 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    assert.ok(statSync(file).size >= before + 8_000_000, `database file grew by ${statSync(file).size - before} bytes`);
    await later.close();
    await writer.close();
    assert.equal(checkpointerRunning(file), false, 'stopped with the writer');
  }));

test('a checkpointer thread that dies comes back; a closed writer hands checkpoints back to the store', () =>
  withDatabase(async (file, store) => {
    const writer = createSpoolWriter(store);
    const first = checkpointerThread(file);
    assert.ok(first);
    await first.terminate(); // as if it had crashed
    const end = Date.now() + 5000;
    while ((checkpointerThread(file) === null || checkpointerThread(file) === first) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    const second = checkpointerThread(file);
    assert.ok(second && second !== first, 'a new checkpointer thread');
    await writer.close();
    const auto = Number(Object.values((await sql`pragma wal_autocheckpoint`.execute(store.db)).rows[0] as object)[0]);
    assert.equal(auto, 1000);
  }));

test('under a steady write load the WAL stays near its limit (PASSIVE checkpoints alone let it grow)', () =>
  withDatabase(async (file, store) => {
    const tenantId = (await createTenant(store, 'T')).id;
    // this share comes first, so the writer's checkpointer runs with these settings
    const stop = startCheckpointer(file, { intervalMs: 10, maxWalBytes: 2_000_000 });
    const writer = createSpoolWriter(store, { bodyFiles: false });
    const wal = () => {
      try {
        return statSync(`${file}-wal`).size;
      } catch {
        return 0;
      }
    };
    let peak = 0;
    const watch = setInterval(() => {
      peak = Math.max(peak, wal());
    }, 2);
    const body = Buffer.alloc(100_000, 'y');
    let id = 5000;
    // eight writers that never pause: some commit is always about to start
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = 0; i < 100; i++) await writer.write([{ bodies: [{ id: id++, tenant_id: tenantId, raw: body, size: body.length, created_at: 1 }], messages: [], events: [] }]);
      }),
    );
    clearInterval(watch);
    peak = Math.max(peak, wal());
    assert.ok(peak < 16_000_000, `the WAL peaked at ${peak} bytes for 80 MB written with a 2 MB limit`);
    await writer.close();
    await stop();
  }));
