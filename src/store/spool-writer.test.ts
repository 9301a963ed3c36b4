import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { enqueueBatch } from '../mta/testing/enqueue.ts';
import { bodyFilesDir } from './body-files.ts';
import { openStore, type Store } from './database.ts';
import { migrate } from './migrate.ts';
import { loadBodies } from './queue-repo.ts';
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
  const r = await loadBodies(store, [id]);
  return r.get(id)?.toString();
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

test('outcomes go through the writer thread; writes sent together are each answered on their own', async () => {
  const now = Date.now();
  const spooled = enqueueBatch({ tenantId, recipients: ['a@x.test', 'b@x.test'], now });
  assert.deepEqual(await writer.write([spooled]), [undefined]);
  const [a, b] = spooled.messages.map((m) => Number(m.id));
  const before = await store.db.selectFrom('messages').select('id').execute();
  // sent in one go: a spool write, the outcomes, a refused spool write (duplicate body id)
  const later = enqueueBatch({ tenantId, recipients: ['c@x.test'], now });
  const results = await Promise.allSettled([
    writer.write([later]),
    writer.applyOutcomes([
      { id: a, status: 'sent', attempts: 1, lastReply: '250 ok', egressIp: '127.0.0.2' },
      { id: b, status: 'deferred', attempts: 1, nextAttemptAt: now + 60_000, lastReply: '451 later', egressIp: '127.0.0.2' },
    ], now),
    writer.write([batch(Number(spooled.bodies[0]!.id), Buffer.from('same body id again'))]),
  ]);
  assert.equal(results[0].status, 'fulfilled');
  assert.deepEqual((results[0] as PromiseFulfilledResult<unknown>).value, [undefined]);
  assert.equal(results[1].status, 'fulfilled');
  assert.match(String(((results[2] as PromiseFulfilledResult<(Error | undefined)[]>).value ?? [])[0]), /spool write failed/);
  const rows = await store.db.selectFrom('messages').select(['id', 'status', 'last_reply']).where('id', 'in', [a, b]).orderBy('id').execute();
  assert.deepEqual(rows.map((r) => [Number(r.id), r.status, r.last_reply]), [[a, 'sent', '250 ok'], [b, 'deferred', '451 later']]);
  assert.equal((await store.db.selectFrom('messages').select('id').execute()).length, before.length + 1);
  assert.ok(await stored(Number(spooled.bodies[0]!.id)), 'b still waits: the body stays');
  await writer.applyOutcomes([{ id: b, status: 'bounced', attempts: 2, lastReply: '550 5.1.1 no', egressIp: null }], now);
  assert.equal(await stored(Number(spooled.bodies[0]!.id)), undefined, 'nobody waits any more: the body is gone');
});

test('an outcome write the database refuses is an error for its caller', async () => {
  const w = createSpoolWriter(store);
  try {
    // a trigger that fails every outcome update, as a full disk or a corrupt page would
    await sql`create trigger refuse_outcomes before update on messages begin select raise(abort, 'disk says no'); end`.execute(store.db);
    const spooled = enqueueBatch({ tenantId, recipients: ['d@x.test'], now: Date.now() });
    assert.deepEqual(await w.write([spooled]), [undefined]);
    await assert.rejects(w.applyOutcomes([{ id: Number(spooled.messages[0]!.id), status: 'sent', attempts: 1, lastReply: '250', egressIp: null }], Date.now()), /outcome write failed: disk says no/);
  } finally {
    await sql`drop trigger if exists refuse_outcomes`.execute(store.db);
    await w.close();
  }
});

test('on SQLite a body lives in a body file: its row holds no bytes, and loadBodies reads it back', async () => {
  const body = Buffer.from('From: a@x.test\r\n\r\nkept beside the database\r\n');
  assert.deepEqual(await writer.write([batch(951, Buffer.from(body))]), [undefined]);
  const row = await store.db.selectFrom('bodies').select(['raw', 'size', 'file', 'file_offset']).where('id', '=', 951).executeTakeFirstOrThrow();
  assert.equal(row.raw.byteLength, 0);
  assert.equal(Number(row.size), body.length);
  assert.match(String(row.file), /^[0-9a-f]{12}-\d+\.seg$/);
  assert.ok(existsSync(join(bodyFilesDir(join(dir, 'relais.db')), String(row.file))));
  assert.equal(await stored(951), body.toString());
});

test('when body files cannot be written, spool writes are refused with the reason, outcomes still commit, and writes resume once fixed', async () => {
  const own = mkdtempSync(join(tmpdir(), 'spool-bodyfiles-'));
  const s = await openStore(`sqlite:${join(own, 'relais.db')}`);
  await migrate(s);
  const t = (await createTenant(s, 'T')).id;
  const w = createSpoolWriter(s, { bodyFiles: false });
  const spooled = enqueueBatch({ tenantId: t, recipients: ['e@x.test'], now: Date.now() });
  assert.deepEqual(await w.write([spooled]), [undefined]);
  await w.close();
  // a file where the body directory should be: it cannot be created
  writeFileSync(bodyFilesDir(join(own, 'relais.db')), 'in the way');
  const w2 = createSpoolWriter(s);
  try {
    const refused = enqueueBatch({ tenantId: t, recipients: ['f@x.test'], now: Date.now() });
    const [outcome, write] = await Promise.allSettled([
      w2.applyOutcomes([{ id: Number(spooled.messages[0]!.id), status: 'sent', attempts: 1, lastReply: '250 ok', egressIp: null }], Date.now()),
      w2.write([refused]),
    ]);
    assert.equal(outcome.status, 'fulfilled');
    assert.match(String((write as PromiseFulfilledResult<(Error | undefined)[]>).value?.[0]), /body file: .*(EEXIST|ENOTDIR)/);
    assert.equal(await s.db.selectFrom('messages').select('id').where('id', '=', Number(refused.messages[0]!.id)).executeTakeFirst(), undefined, 'nothing of it was written');
    const sent = await s.db.selectFrom('messages').select('status').where('id', '=', Number(spooled.messages[0]!.id)).executeTakeFirstOrThrow();
    assert.equal(sent.status, 'sent');
    rmSync(bodyFilesDir(join(own, 'relais.db')));
    const again = enqueueBatch({ tenantId: t, recipients: ['f@x.test'], now: Date.now() });
    assert.deepEqual(await w2.write([again]), [undefined]);
    const bodyId = Number(again.bodies[0]!.id);
    assert.deepEqual((await loadBodies(s, [bodyId])).get(bodyId), Buffer.from(again.bodies[0]!.raw as Uint8Array));
  } finally {
    await w2.close();
    await s.close();
    rmSync(own, { recursive: true, force: true });
  }
});

test('a body whose file is gone is left out of loadBodies with a warning; the others are read', async () => {
  assert.deepEqual(await writer.write([batch(961, Buffer.from('first')), batch(962, Buffer.from('second'))]), [undefined, undefined]);
  await store.db.updateTable('bodies').set({ file: 'ffffffffffff-9.seg' }).where('id', '=', 961).execute();
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  try {
    const got = await loadBodies(store, [961, 962]);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual([...got.keys()], [962]);
    assert.equal(got.get(962)!.toString(), 'second');
    assert.ok(warnings.some((m) => /body 961: .*ENOENT/.test(m)), warnings.join('; '));
  } finally {
    process.off('warning', onWarning);
  }
});

test('a body file row records the bytes written, so a body read back is whole even if its claimed size was wrong', async () => {
  const raw = Buffer.from('From: a@x.test\r\n\r\nlonger than claimed\r\n');
  assert.deepEqual(await writer.write([{ bodies: [{ id: 971, tenant_id: tenantId, raw: Buffer.from(raw), size: 3, created_at: 1 }], messages: [], events: [] }]), [undefined]);
  assert.equal(await stored(971), raw.toString());
});
