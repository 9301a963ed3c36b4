import assert from 'node:assert/strict';
import { testEachDialect } from '../../test/support/stores.ts';
import { eventRecord, recordEvents } from './events-repo.ts';
import { acquireLease, createEndpoint, deleteEndpoint, enqueueReplay, fillOutbox, getEndpoint, listEndpoints, markAttemptFailed, markDelivered, outboxHead, outboxStats, updateEndpoint } from './webhooks-repo.ts';

testEachDialect('webhooks: endpoints are tenant-scoped and validated', async (store) => {
  const ep = await createEndpoint(store, 1, { url: 'https://hooks.example/a', eventTypes: ['bounce', 'complaint'], format: 'mailjet' }, 'sealed');
  assert.deepEqual(ep.eventTypes, ['bounce', 'complaint']);
  assert.equal(ep.retryHours, 24);
  assert.equal((await listEndpoints(store, 2)).length, 0);
  assert.equal(await getEndpoint(store, 2, ep.id), undefined);
  assert.equal(await updateEndpoint(store, 2, ep.id, { url: 'https://evil.example' }), undefined);
  assert.equal(await deleteEndpoint(store, 2, ep.id), false);
  await assert.rejects(createEndpoint(store, 1, { url: 'ftp://x' }, 's'), /http\(s\) URL/);
  await assert.rejects(createEndpoint(store, 1, { url: 'https://x.example', eventTypes: ['sent'] }, 's'), /unknown event type/);
  await assert.rejects(createEndpoint(store, 1, { url: 'https://x.example', retryHours: 100 }, 's'), /24 to 72/);
  await assert.rejects(createEndpoint(store, 1, { url: 'https://x.example', format: 'sendgrid' }, 's'), /format/);
  const up = await updateEndpoint(store, 1, ep.id, { retryHours: 72, backupUrl: 'https://backup.example/' });
  assert.equal(up?.retryHours, 72);
  assert.equal(up?.backupUrl, 'https://backup.example/');
});

testEachDialect('webhooks: outbox fill after the cursor, in order, filtered; replay; leases', async (store) => {
  const ep = await createEndpoint(store, 1, { url: 'https://hooks.example/a', eventTypes: ['bounce'] }, 'sealed');
  const evs = ['bounce', 'delivery', 'bounce', 'bounce'].map((type) => eventRecord({ tenantId: 1, messageId: null, type: type as 'bounce', recipient: 'a@example.com', data: {} }));
  await recordEvents(store, [...evs, eventRecord({ tenantId: 2, messageId: null, type: 'bounce', recipient: 'x@example.com', data: {} })]);
  const accept = (t: string) => t === 'bounce';
  const stale = { ...ep };
  assert.equal(await fillOutbox(store, ep, Number.MAX_SAFE_INTEGER, accept, 2), 1);
  assert.equal(await fillOutbox(store, stale, Number.MAX_SAFE_INTEGER, accept), 0, 'a stale cursor (another node filled) enqueues nothing');
  assert.equal(await fillOutbox(store, ep, Number.MAX_SAFE_INTEGER, accept), 2);
  assert.equal(await fillOutbox(store, ep, Number.MAX_SAFE_INTEGER, accept), 0);
  const head = await outboxHead(store, ep.id, 10);
  assert.deepEqual(head.map((r) => r.eventId), [evs[0].id, evs[2].id, evs[3].id]);
  await markAttemptFailed(store, head.slice(0, 2), 5000, 'HTTP 500', 1000);
  const after = await outboxHead(store, ep.id, 10);
  assert.equal(after[0].attempts, 1);
  assert.equal(after[0].firstFailureAt, 1000);
  assert.equal(after[0].nextAttemptAt, 5000);
  await markDelivered(store, head.map((r) => r.id));
  assert.equal((await outboxStats(store, ep.id)).pending, 0);
  assert.equal(await enqueueReplay(store, ep, 0, Date.now() + 1000, accept), 3);
  assert.ok((await outboxHead(store, ep.id, 10)).every((r) => r.replay));
  assert.equal(await acquireLease(store, 'webhooks', 'a', 10_000, 1000), true);
  assert.equal(await acquireLease(store, 'webhooks', 'b', 10_000, 2000), false);
  assert.equal(await acquireLease(store, 'webhooks', 'a', 10_000, 3000), true);
  assert.equal(await acquireLease(store, 'webhooks', 'b', 10_000, 14_000), true, 'expired lease is taken over');
});
