import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openStore, type Store } from './database.ts';
import { migrate } from './migrate.ts';
import type { SpoolBatch } from './spool-repo.ts';
import { createSpoolWriter, giveBodyToSpool, type SpoolWriter } from './spool-writer.ts';
import { createTenant } from './tenants-repo.ts';

let dir: string;
let store: Store;
let writer: SpoolWriter;
let tenantId: number;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'spool-writer-'));
  store = await openStore(`sqlite:${join(dir, 'relais.db')}`);
  await migrate(store);
  tenantId = (await createTenant(store, 'T')).id;
  writer = createSpoolWriter(store);
});
after(async () => {
  await writer.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const batch = (id: number, raw: Buffer): SpoolBatch => ({ bodies: [{ id, tenant_id: tenantId, raw, size: raw.length, created_at: 1 }], messages: [], events: [] });
const stored = async (id: number) => {
  const r = await store.db.selectFrom('bodies').select('raw').where('id', '=', id).executeTakeFirst();
  return r ? Buffer.from(r.raw).toString() : undefined;
};

test('a given body is moved to the writer thread and stored whole; others are copied', async () => {
  const own = Buffer.allocUnsafeSlow(16 + 5000);
  own.fill('m');
  const moved = own.subarray(16); // a view past some headroom, as SMTP intake makes
  giveBodyToSpool(moved);
  const kept = Buffer.from('kept body');
  const out = await writer.write([batch(101, moved), batch(102, kept)]);
  assert.deepEqual(out, [undefined, undefined]);
  assert.equal(await stored(101), 'm'.repeat(5000));
  assert.equal(moved.length, 0, 'the moved buffer is detached here');
  assert.equal(kept.toString(), 'kept body', 'an unmarked buffer is left alone');
  assert.equal(await stored(102), 'kept body');
  // a moved body can not be written again (it would be stored empty)
  await assert.rejects(writer.write([batch(103, moved)]), /already moved/);
});

test('keepBodies: a moved body comes back to the caller (moved again, not copied) once durable', async () => {
  const own = Buffer.allocUnsafeSlow(32 + 70_000);
  own.fill('k');
  const body = own.subarray(32);
  giveBodyToSpool(body);
  const copied = Buffer.from('copied body');
  const b1 = batch(301, body);
  const b2 = batch(302, copied);
  const out = await writer.write([b1, b2], { keepBodies: true });
  assert.deepEqual(out, [undefined, undefined]);
  assert.equal(body.length, 0, 'the original view stays detached');
  const back = b1.bodies[0]!.raw as Buffer;
  assert.equal(back.length, 70_000);
  assert.equal(back.byteOffset, 32, 'same place in the same memory');
  assert.equal(back.toString(), 'k'.repeat(70_000));
  assert.equal(b2.bodies[0]!.raw, copied, 'a copied body is left as it was');
  assert.equal(await stored(301), 'k'.repeat(70_000));
});

test('one refused batch does not fail its neighbours, even when their bodies were moved', async () => {
  const a = Buffer.allocUnsafeSlow(10).fill('a');
  giveBodyToSpool(a);
  const out = await writer.write([batch(201, a), batch(101, Buffer.from('duplicate id')), batch(202, Buffer.from('b'))]);
  assert.equal(out?.[0], undefined);
  assert.match(String(out?.[1]), /spool write failed/);
  assert.equal(out?.[2], undefined);
  assert.equal(await stored(201), 'a'.repeat(10));
  assert.equal(await stored(202), 'b');
  assert.equal(await stored(101), 'm'.repeat(5000));
});

test('a writer thread that dies fails what it held, and the next write gets a fresh thread', async () => {
  const w = createSpoolWriter(store);
  try {
    assert.deepEqual(await w.write([batch(901, Buffer.from('before the crash'))]), [undefined]);
    const pending = w.write([batch(902, Buffer.from('in flight'))]);
    await w.thread!()!.terminate(); // as if the thread had crashed
    await assert.rejects(pending, /exited|terminated/);
    assert.deepEqual(await w.write([batch(903, Buffer.from('after the crash'))]), [undefined]);
    assert.equal(await stored(903), 'after the crash');
    assert.equal(await stored(901), 'before the crash');
  } finally {
    await w.close();
  }
});
