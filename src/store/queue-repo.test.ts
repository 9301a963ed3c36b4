import assert from 'node:assert/strict';
import { testEachDialect } from '../../test/support/stores.ts';
import { enqueue } from '../mta/testing/enqueue.ts';
import { eventRecord } from './events-repo.ts';
import { applyOutcomes, claimDue, loadBodies, queueCounts, releaseRows, renewLeases, scheduledQueues } from './queue-repo.ts';
import { createTenant } from './tenants-repo.ts';

testEachDialect('queue: claim leases due rows once; expired leases are claimable again', async (store) => {
  const t = await createTenant(store, 'Acme');
  const now = Date.now();
  const ids = await enqueue(store, { tenantId: t.id, recipients: ['a@x.test', 'b@x.test', 'c@y.test'], now });
  await enqueue(store, { tenantId: t.id, recipients: ['later@x.test'], now: now + 60_000 });
  const first = await claimDue(store, { owner: 'n1', now, leaseMs: 1000, limit: 2 });
  assert.equal(first.length, 2);
  const second = await claimDue(store, { owner: 'n2', now, leaseMs: 5000, limit: 10 });
  assert.deepEqual(second.map((m) => m.recipient), ['c@y.test'], 'leased and not-yet-due rows are skipped');
  // n1 crashed: after its lease runs out the rows come back.
  const again = await claimDue(store, { owner: 'n3', now: now + 1001, leaseMs: 1000, limit: 10 });
  assert.deepEqual(again.map((m) => m.id).sort(), first.map((m) => m.id).sort());
  await renewLeases(store, 'n3', again.map((m) => m.id), now + 10_000);
  assert.deepEqual((await claimDue(store, { owner: 'n4', now: now + 5001, leaseMs: 1000, limit: 10 })).map((m) => m.recipient), ['c@y.test'], 'renewed rows stay leased; c@y lease ran out');
  const bodies = await loadBodies(store, again.map((m) => m.bodyId));
  assert.match(bodies.get(again[0].bodyId)!.toString(), /^From: /);
  assert.ok(ids.includes(again[0].id));
});

testEachDialect('queue: outcomes and events in one write; release puts rows back', async (store) => {
  const t = await createTenant(store, 'Acme');
  const now = Date.now();
  await enqueue(store, { tenantId: t.id, recipients: ['a@x.test', 'b@x.test', 'c@x.test', 'd@x.test'], now });
  const c = await claimDue(store, { owner: 'n1', now, leaseMs: 60_000, limit: 10 });
  const ev = eventRecord({ tenantId: t.id, messageId: c[0].id, type: 'delivery', recipient: c[0].recipient, data: { reply: '250 ok' } });
  await applyOutcomes(store, [
    { id: c[0].id, status: 'sent', attempts: 1, lastReply: '250 ok', egressIp: '127.0.0.2', event: ev },
    { id: c[1].id, status: 'deferred', attempts: 1, nextAttemptAt: now + 600_000, lastReply: '450 greylisted', egressIp: '127.0.0.2' },
    { id: c[2].id, status: 'bounced', attempts: 1, lastReply: '550 5.1.1 no', egressIp: null },
  ], now);
  await releaseRows(store, [c[3].id], now + 5000);
  assert.deepEqual(await queueCounts(store), { sent: 1, deferred: 1, bounced: 1, queued: 1 });
  const rows = await store.db.selectFrom('messages').selectAll().orderBy('id').execute();
  assert.equal(Number(rows[1].next_attempt_at), now + 600_000);
  assert.equal(rows[0].egress_ip, '127.0.0.2');
  assert.deepEqual(
    rows.slice(0, 3).map((r) => [r.status, Number(r.attempts), r.last_reply, r.egress_ip]),
    [['sent', 1, '250 ok', '127.0.0.2'], ['deferred', 1, '450 greylisted', '127.0.0.2'], ['bounced', 1, '550 5.1.1 no', null]],
  );
  assert.equal(Number(rows[0].next_attempt_at), Number(rows[3].created_at), 'no next attempt given: unchanged');
  assert.ok(rows.every((r) => r.lease_owner === null));
  assert.equal(Number(rows[3].next_attempt_at), now + 5000);
  const evs = await store.db.selectFrom('events').selectAll().execute();
  assert.deepEqual(evs.map((e) => e.type), ['delivery']);
  assert.equal((await claimDue(store, { owner: 'n1', now: now + 5000, leaseMs: 1000, limit: 10 })).length, 1);
});

testEachDialect('queue: a body goes once none of its recipients waits any more', async (store) => {
  const t = await createTenant(store, 'Acme');
  const now = Date.now();
  await enqueue(store, { tenantId: t.id, recipients: ['a@x.test', 'b@x.test'], now });
  await enqueue(store, { tenantId: t.id, recipients: ['c@x.test'], now });
  const c = await claimDue(store, { owner: 'n1', now, leaseMs: 60_000, limit: 10 });
  const bodies = async () => (await store.db.selectFrom('bodies').select('id').orderBy('id').execute()).map((r) => Number(r.id));
  const [first, second] = await bodies();
  const [a, b, lone] = [...c].sort((x, y) => Number(x.id) - Number(y.id));
  await applyOutcomes(store, [
    { id: a.id, status: 'sent', attempts: 1, lastReply: '250 ok', egressIp: null },
    { id: b.id, status: 'deferred', attempts: 1, nextAttemptAt: now + 600_000, lastReply: '450 later', egressIp: null },
    { id: lone.id, status: 'deferred', attempts: 1, nextAttemptAt: now + 600_000, lastReply: '450 later', egressIp: null },
  ], now);
  assert.deepEqual(await bodies(), [first, second], 'every body still has a recipient waiting');
  await applyOutcomes(store, [
    { id: b.id, status: 'bounced', attempts: 2, lastReply: '550 5.1.1 no', egressIp: null },
    { id: lone.id, status: 'deferred', attempts: 2, nextAttemptAt: now + 900_000, lastReply: '450 later', egressIp: null },
  ], now);
  assert.deepEqual(await bodies(), [second], 'both recipients of the first body are done');
  await applyOutcomes(store, [{ id: lone.id, status: 'expired', attempts: 3, lastReply: 'too old', egressIp: null }], now);
  assert.deepEqual(await bodies(), []);
});

testEachDialect('queue: scheduled queues per tenant, campaign and domain, largest first', async (store) => {
  const t = await createTenant(store, 'Acme');
  const now = Date.now();
  await enqueue(store, { tenantId: t.id, recipients: ['a@x.test', 'b@x.test', 'c@y.test'], now });
  await enqueue(store, { tenantId: t.id, recipients: ['d@x.test'], now: now + 5000 });
  const q = await scheduledQueues(store);
  assert.deepEqual(q.map((s) => [s.domain, s.messages, s.nextAttemptAt]), [['x.test', 3, now], ['y.test', 1, now]]);
});

testEachDialect('queue: a release with an owner leaves rows leased to someone else alone', async (store) => {
  const t = await createTenant(store, 'Acme');
  const now = Date.now();
  const [a, b] = await enqueue(store, { tenantId: t.id, recipients: ['a@x.test', 'b@x.test'], now });
  await store.db.updateTable('messages').set({ lease_owner: 'mine', lease_until: now + 60_000 }).where('id', '=', a!).execute();
  await store.db.updateTable('messages').set({ lease_owner: 'theirs', lease_until: now + 60_000 }).where('id', '=', b!).execute();
  await releaseRows(store, [a!, b!], now + 5000, 'mine');
  const rows = await store.db.selectFrom('messages').select(['id', 'lease_owner', 'next_attempt_at']).orderBy('id').execute();
  assert.deepEqual(rows.map((r) => [Number(r.id), r.lease_owner, Number(r.next_attempt_at)]), [[a, null, now + 5000], [b, 'theirs', now]]);
});
