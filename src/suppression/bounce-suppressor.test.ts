import assert from 'node:assert/strict';
import { eventRecord, recordEvents } from '../store/events-repo.ts';
import { listSuppressions } from '../store/suppressions-repo.ts';
import { testEachDialect } from '../../test/support/stores.ts';
import { suppressHardBounces } from './bounce-suppressor.ts';

testEachDialect('hard bounces recorded by the MTA become tenant-wide suppressions, once', async (store) => {
  const t0 = Date.now();
  assert.equal(await suppressHardBounces(store, t0 - 10_000, 0), 0, 'first run starts the cursor');
  await recordEvents(store, [
    eventRecord({ tenantId: 5, messageId: 11, type: 'bounce', recipient: 'dead@example.org', data: { reason: 'userunknown', hard: true, enhanced: '5.1.1' } }),
    eventRecord({ tenantId: 5, messageId: 12, type: 'bounce', recipient: 'full@example.org', data: { reason: 'mailboxfull', hard: false } }),
    eventRecord({ tenantId: 5, messageId: 13, type: 'delivery', recipient: 'ok@example.org', data: {} }),
    eventRecord({ tenantId: 6, messageId: 14, type: 'bounce', recipient: 'dead@example.org', data: { reason: 'hostunknown', hard: true } }),
  ]);
  assert.equal(await suppressHardBounces(store, Date.now() + 10, 0), 2);
  const five = await listSuppressions(store, 5);
  assert.deepEqual(five.map((s) => [s.address, s.scope, s.reason, s.origin, s.messageId, s.detail]), [['dead@example.org', 'tenant', 'hard_bounce', 'system', 11, '5.1.1 userunknown']]);
  assert.equal((await listSuppressions(store, 6)).length, 1);
  assert.equal(await suppressHardBounces(store, Date.now() + 20, 0), 0, 'the cursor moved: nothing twice');
});
