import assert from 'node:assert/strict';
import { testEachDialect } from '../../test/support/stores.ts';
import { createApiKey, revokeApiKey, verifyApiKey } from './api-keys-repo.ts';
import { getMessageView, listEvents } from './events-repo.ts';
import { findIdempotentAnswer, storeIdempotentAnswer } from './idempotency-repo.ts';
import { writeSpoolBatches } from './spool-repo.ts';
import { getTemplate, createTemplate } from './templates-repo.ts';
import { createTenant, listTenants, setTenantStatus } from './tenants-repo.ts';

testEachDialect('tenants: create, list, suspend', async (store) => {
  const a = await createTenant(store, 'Acme BV');
  await createTenant(store, 'Beta GmbH');
  const all = await listTenants(store);
  assert.deepEqual(all.map((t) => t.name), ['Acme BV', 'Beta GmbH']);
  const s = await setTenantStatus(store, a.id, 'suspended', 'abuse report');
  assert.equal(s.status, 'suspended');
  assert.equal(s.statusReason, 'abuse report');
  await assert.rejects(() => createTenant(store, 'bad\nname'), /one line/);
});

testEachDialect('api keys: secret only as hash, verify, revoke, expiry', async (store) => {
  const t = await createTenant(store, 'Acme');
  const { key, secret } = await createApiKey(store, t.id, { scopes: ['send'] });
  const row = await store.db.selectFrom('api_keys').selectAll().where('id', '=', key.id).executeTakeFirstOrThrow();
  assert.notEqual(row.secret_hash, secret);
  assert.ok(!JSON.stringify(row).includes(secret), 'secret must not be stored');
  const ok = await verifyApiKey(store, key.id, secret);
  assert.ok(ok.ok && ok.key.tenantId === t.id && ok.key.scopes.join() === 'send');
  assert.deepEqual(await verifyApiKey(store, key.id, `${secret}x`), { ok: false, reason: 'wrong-secret' });
  assert.deepEqual(await verifyApiKey(store, 'nope', secret), { ok: false, reason: 'unknown' });
  await revokeApiKey(store, key.id);
  assert.deepEqual(await verifyApiKey(store, key.id, secret), { ok: false, reason: 'revoked' });
  const exp = await createApiKey(store, t.id, { expiresAt: Date.now() - 1 });
  assert.deepEqual(await verifyApiKey(store, exp.key.id, exp.secret), { ok: false, reason: 'expired' });
});

testEachDialect('templates and messages are tenant-scoped', async (store) => {
  const a = await createTenant(store, 'A');
  const b = await createTenant(store, 'B');
  const tpl = await createTemplate(store, a.id, { name: 'welcome', textPart: 'Hi {{var:name}}' });
  assert.equal((await getTemplate(store, a.id, tpl.id))?.name, 'welcome');
  assert.equal(await getTemplate(store, b.id, tpl.id), undefined);
  const now = Date.now();
  await writeSpoolBatches(store, [
    {
      bodies: [{ id: 1, tenant_id: a.id, raw: Buffer.from('Subject: x\r\n\r\nhi\r\n'), size: 19, created_at: now }],
      messages: [
        {
          id: 10, uuid: 'u-10', tenant_id: a.id, body_id: 1, stream: 'transactional', campaign: 'c1', custom_id: 'cid', event_payload: null,
          mail_from: 'b@bounce', recipient: 'x@example.com', recipient_domain: 'example.com', from_addr: 'me@a.test', subject: 'x',
          status: 'queued', attempts: 0, next_attempt_at: now, expires_at: now + 1000, created_at: now, updated_at: now,
          last_reply: null, egress_ip: null, lease_owner: null, lease_until: null,
        },
      ],
      events: [{ id: 100, tenant_id: a.id, message_id: 10, type: 'reception', recipient: 'x@example.com', created_at: now, data: '{}' }],
    },
  ]);
  const view = await getMessageView(store, a.id, 10);
  assert.equal(view?.events[0].type, 'reception');
  assert.equal(await getMessageView(store, b.id, 10), undefined, 'another tenant must not see it');
  assert.equal((await listEvents(store, a.id, { customId: 'cid' })).length, 1);
  assert.equal((await listEvents(store, b.id, {})).length, 0);
  assert.equal((await listEvents(store, a.id, { campaign: 'other' })).length, 0);
});

testEachDialect('idempotency: first answer wins', async (store) => {
  const t = await createTenant(store, 'A');
  assert.equal(await storeIdempotentAnswer(store, t.id, 'k1', { bodyHash: 'h', status: 200, response: '{}' }), true);
  assert.equal(await storeIdempotentAnswer(store, t.id, 'k1', { bodyHash: 'h2', status: 200, response: '{}' }), false);
  assert.equal((await findIdempotentAnswer(store, t.id, 'k1'))?.bodyHash, 'h');
});
