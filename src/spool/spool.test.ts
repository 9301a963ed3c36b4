import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freshSqlite } from '../../test/support/stores.ts';
import { enqueueBatch } from '../mta/testing/enqueue.ts';
import { createTenant } from '../store/tenants-repo.ts';
import type { SpoolBatch } from '../store/spool-repo.ts';
import { Spool } from './spool.ts';

/** A spool on a fresh SQLite store with one tenant; closed and removed afterwards. */
async function withSpool(run: (spool: Spool, ts: Awaited<ReturnType<typeof freshSqlite>>, tenantId: number) => Promise<void>): Promise<void> {
  const ts = await freshSqlite();
  const spool = new Spool(ts.store, 2);
  try {
    await run(spool, ts, (await createTenant(ts.store, 'T')).id);
  } finally {
    await spool.close();
    await ts.dispose();
  }
}

test('a listener that throws after a durable commit does not turn the write into a refusal', () =>
  withSpool(async (spool, ts, tenantId) => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    spool.onSpooled = () => {
      throw new Error('listener broke');
    };
    const batch = enqueueBatch({ tenantId, recipients: ['a@example.net'] });
    await spool.write(batch); // resolves: the client was told "accepted" and must not resend
    const rows = await ts.store.db.selectFrom('messages').select('id').execute();
    assert.equal(rows.length, 1);
    await new Promise((r) => setImmediate(r));
    process.off('warning', onWarning);
    assert.ok(warnings.some((w) => /listener broke/.test(w)));
  }));

test('handoff: rows due now are committed leased to the local loop, future ones are not', () =>
  withSpool(async (spool, ts, tenantId) => {
    spool.handoff = { owner: 'mta-0123456789ab', leaseMs: 60_000 };
    const now = Date.now();
    await spool.write(enqueueBatch({ tenantId, recipients: ['now@example.net'], now }));
    await spool.write(enqueueBatch({ tenantId, recipients: ['later@example.net'], now: now + 3_600_000 }));
    const rows = await ts.store.db.selectFrom('messages').select(['recipient', 'lease_owner', 'lease_until']).orderBy('recipient').execute();
    assert.deepEqual(rows.map((r) => [r.recipient, r.lease_owner]), [['later@example.net', null], ['now@example.net', 'mta-0123456789ab']]);
    assert.ok(Number(rows[1]!.lease_until) >= now + 59_000);
  }));

test('handoff: a write reported refused gives back the rows it leased, should they exist after all', () =>
  withSpool(async (spool, ts, tenantId) => {
    spool.handoff = { owner: 'mta-0123456789ab', leaseMs: 60_000 };
    // A writer thread that commits and then dies before it can answer: the client is told
    // to retry, and the rows it did write must not sit leased to a loop that never got them.
    const writer = (spool as unknown as { writer: { write: (b: SpoolBatch[]) => Promise<unknown> } }).writer;
    const real = writer.write.bind(writer);
    writer.write = async (batches) => {
      await real(batches);
      throw new Error('writer thread exited after its commit');
    };
    await assert.rejects(spool.write(enqueueBatch({ tenantId, recipients: ['a@example.net'] })), /exited after its commit/);
    const rows = await ts.store.db.selectFrom('messages').select(['lease_owner', 'status']).execute();
    assert.deepEqual(rows.map((r) => [r.status, r.lease_owner]), [['queued', null]]);
  }));
