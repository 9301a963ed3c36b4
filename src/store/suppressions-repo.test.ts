import assert from 'node:assert/strict';
import { testEachDialect } from '../../test/support/stores.ts';
import { addSuppression, addSuppressions, findBlockingSuppression, findBlockingSuppressions, listSuppressions, removeSuppression, removeSuppressionById } from './suppressions-repo.ts';

testEachDialect('suppressions: add is idempotent and keeps the first reason', async (store) => {
  const a = await addSuppression(store, 1, { address: ' Bob@Example.COM ', reason: 'complaint', origin: 'recipient' });
  assert.equal(a.created, true);
  assert.equal(a.entry.address, 'bob@example.com');
  const b = await addSuppression(store, 1, { address: 'bob@example.com', reason: 'manual', origin: 'tenant' });
  assert.equal(b.created, false);
  assert.equal(b.entry.reason, 'complaint');
  assert.equal(b.entry.id, a.entry.id);
  // another tenant is separate
  const c = await addSuppression(store, 2, { address: 'bob@example.com', reason: 'manual', origin: 'tenant' });
  assert.equal(c.created, true);
  assert.equal((await listSuppressions(store, 1)).length, 1);
});

testEachDialect('suppressions: scopes decide what is blocked', async (store) => {
  await addSuppressions(store, 7, [
    { address: 'm@example.com', scope: 'stream', scopeValue: 'marketing', reason: 'unsubscribe', origin: 'recipient' },
    { address: 'l@example.com', scope: 'list', scopeValue: 'news', reason: 'unsubscribe', origin: 'recipient' },
    { address: 't@example.com', reason: 'hard_bounce', origin: 'system' },
  ]);
  assert.equal(await findBlockingSuppression(store, 7, 'm@example.com', 'transactional'), undefined);
  assert.equal((await findBlockingSuppression(store, 7, 'M@example.com', 'marketing'))?.reason, 'unsubscribe');
  assert.equal(await findBlockingSuppression(store, 7, 'l@example.com', 'marketing'), undefined);
  assert.equal((await findBlockingSuppression(store, 7, 'l@example.com', 'marketing', 'news'))?.scope, 'list');
  assert.equal((await findBlockingSuppression(store, 7, 't@example.com', 'transactional'))?.reason, 'hard_bounce');
  assert.equal(await findBlockingSuppression(store, 8, 't@example.com', 'transactional'), undefined, 'other tenant');
});

testEachDialect('suppressions: a batch of recipients is checked in one go, with the same scopes and precedence', async (store) => {
  await addSuppressions(store, 9, [
    { address: 'both@example.com', scope: 'stream', scopeValue: 'marketing', reason: 'unsubscribe', origin: 'recipient' },
    { address: 'both@example.com', reason: 'hard_bounce', origin: 'system' },
    { address: 'm@example.com', scope: 'stream', scopeValue: 'marketing', reason: 'unsubscribe', origin: 'recipient' },
    { address: 'l@example.com', scope: 'list', scopeValue: 'news', reason: 'unsubscribe', origin: 'recipient' },
  ]);
  await addSuppression(store, 10, { address: 'free@example.com', reason: 'manual', origin: 'tenant' });
  const asked = ['Both@Example.com', 'both@example.com', 'm@example.com', 'l@example.com', 'free@example.com'];
  const marketing = await findBlockingSuppressions(store, 9, asked, 'marketing');
  assert.deepEqual([...marketing.keys()].sort(), ['Both@Example.com', 'both@example.com', 'm@example.com']);
  assert.equal(marketing.get('Both@Example.com')?.reason, 'hard_bounce', 'tenant-wide wins over the stream entry');
  const transactional = await findBlockingSuppressions(store, 9, asked, 'transactional');
  assert.deepEqual([...transactional.keys()].sort(), ['Both@Example.com', 'both@example.com']);
  assert.equal((await findBlockingSuppressions(store, 9, [], 'marketing')).size, 0);
  const many = Array.from({ length: 1200 }, (_, i) => `n${i}@example.com`).concat('m@example.com');
  assert.deepEqual([...(await findBlockingSuppressions(store, 9, many, 'marketing')).keys()], ['m@example.com'], 'past 500 addresses: several queries');
});

testEachDialect('suppressions: list filters and pages, remove by address/scope/id', async (store) => {
  const inputs = Array.from({ length: 25 }, (_, i) => ({ address: `u${i}@${i % 2 ? 'odd' : 'even'}.example`, reason: (i % 3 ? 'manual' : 'invalid') as 'manual' | 'invalid', origin: 'tenant' as const }));
  const r = await addSuppressions(store, 3, inputs);
  assert.equal(r.added, 25);
  const page1 = await listSuppressions(store, 3, { limit: 10 });
  const page2 = await listSuppressions(store, 3, { limit: 10, after: page1[9].id });
  assert.equal(page1.length, 10);
  assert.equal(page2.length, 10);
  assert.ok(page2[0].id > page1[9].id);
  assert.equal((await listSuppressions(store, 3, { contains: 'odd.example' })).length, 12);
  assert.equal((await listSuppressions(store, 3, { reason: 'invalid' })).length, 9);
  assert.equal(await removeSuppression(store, 3, 'U0@even.example'), 1);
  assert.equal(await removeSuppression(store, 4, 'u1@odd.example'), 0, 'other tenant cannot remove');
  assert.equal(await removeSuppressionById(store, 4, page1[5].id), false);
  assert.equal(await removeSuppressionById(store, 3, page1[5].id), true);
  assert.equal((await listSuppressions(store, 3, { limit: 1000 })).length, 23);
});

testEachDialect('suppressions: bad input is refused whole', async (store) => {
  await assert.rejects(addSuppressions(store, 1, [{ address: 'ok@example.com', reason: 'manual', origin: 'tenant' }, { address: 'not an address', reason: 'manual', origin: 'tenant' }]), /not an email address/);
  await assert.rejects(addSuppression(store, 1, { address: 'a@example.com', scope: 'stream', scopeValue: 'promo', reason: 'manual', origin: 'tenant' }), /transactional or marketing/);
  await assert.rejects(addSuppression(store, 1, { address: 'a@example.com', reason: 'spam' as never, origin: 'tenant' }), /reason/);
  assert.equal((await listSuppressions(store, 1)).length, 0);
});
