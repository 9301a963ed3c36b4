import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTenant, setTenantStatus } from '../store/tenants-repo.ts';
import { createApiKey, revokeApiKey } from '../store/api-keys-repo.ts';
import { PG_SKIP_REASON, PG_URL } from '../../test/support/stores.ts';
import { startTestNode, type TestNode } from '../../test/support/node.ts';
import { storedBody } from '../../test/support/bodies.ts';

const msg = (over: Record<string, unknown> = {}) => ({
  From: { Email: 'news@acme.example', Name: 'Acme' },
  To: [{ Email: 'alice@example.net', Name: 'Alice' }],
  Subject: 'Your order',
  TextPart: 'Hello Alice, your order has shipped.',
  ...over,
});

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`POST /v3.1/send [${dialect}]`, { skip: dialect === 'postgres' && !PG_URL ? PG_SKIP_REASON : false }, () => {
    let n: TestNode;
    const send = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${n.url}/v3.1/send`, { method: 'POST', headers: { authorization: n.basic, 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const count = async (table: 'messages' | 'bodies' | 'events') => Number((await n.node.store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('c')).executeTakeFirstOrThrow()).c);

    before(async () => {
      n = await startTestNode({ dialect });
    });
    after(async () => n.stop());

    test('a valid message is spooled durably, answered Mailjet-style, readable with its events', async () => {
      const res = await send({ Messages: [msg({ CustomID: 'order-1', Cc: [{ Email: 'bob@example.org' }] })] });
      assert.equal(res.status, 200);
      const body = (await res.json()) as any;
      const m = body.Messages[0];
      assert.equal(m.Status, 'success');
      assert.equal(m.CustomID, 'order-1');
      assert.equal(m.To[0].Email, 'alice@example.net');
      assert.equal(typeof m.To[0].MessageID, 'number');
      assert.ok(Number.isSafeInteger(m.To[0].MessageID));
      assert.match(m.To[0].MessageUUID, /^[0-9a-f-]{36}$/);
      assert.equal(m.Cc.length, 1);
      assert.notEqual(m.Cc[0].MessageID, m.To[0].MessageID, 'one MessageID per recipient');
      const view = await fetch(`${n.url}/v1/messages/${m.To[0].MessageID}`, { headers: { authorization: n.basic } });
      assert.equal(view.status, 200);
      const v = (await view.json()) as any;
      assert.equal(v.status, 'queued');
      assert.equal(v.customId, 'order-1');
      assert.deepEqual(v.events.map((e: any) => e.type), ['reception']);
      const row = await n.node.store.db.selectFrom('messages').select('mail_from').where('id', '=', m.To[0].MessageID).executeTakeFirstOrThrow();
      const raw = (await storedBody(n.node.store, m.To[0].MessageID)).toString();
      assert.match(raw, /^Message-ID: <[^>]+@relais\.test>/im);
      assert.match(raw, /^Feedback-ID: none:\d+:transactional:relais/im);
      assert.match(raw, /your order has shipped/);
      assert.ok(row.mail_from.endsWith('@bounces.relais.test'), row.mail_from);
      const ev = await fetch(`${n.url}/v1/events?type=reception&custom_id=order-1`, { headers: { authorization: n.basic } });
      assert.equal(((await ev.json()) as any).data.length, 2, 'one reception per recipient (To + Cc)');
    });

    test('malformed JSON: mj-0002, nothing spooled', async () => {
      const before = await count('messages');
      const res = await send('{"Messages": [');
      assert.equal(res.status, 400);
      const b = (await res.json()) as any;
      assert.equal(b.ErrorCode, 'mj-0002');
      assert.equal(await count('messages'), before);
    });

    test('more than 50 messages is refused whole', async () => {
      const before = await count('messages');
      const res = await send({ Messages: Array.from({ length: 51 }, () => msg()) });
      assert.equal(res.status, 400);
      assert.equal(await count('messages'), before);
    });

    test('non-atomic: a bad message fails alone, its valid sibling is sent', async () => {
      const before = await count('messages');
      const res = await send({ Messages: [msg({ Subject: 'evil\r\nBcc: victim@example.com' }), msg()] });
      const b = (await res.json()) as any;
      assert.equal(b.Messages[0].Status, 'error');
      assert.ok(b.Messages[0].Errors[0].ErrorCode);
      assert.equal(b.Messages[1].Status, 'success');
      assert.equal(await count('messages'), before + 1);
    });

    test('SandboxMode validates and answers but spools nothing', async () => {
      const before = await count('messages');
      const res = await send({ SandboxMode: true, Messages: [msg()] });
      const b = (await res.json()) as any;
      assert.equal(b.Messages[0].Status, 'success');
      assert.equal(b.Messages[0].To[0].MessageID, 0);
      assert.equal(await count('messages'), before);
    });

    test('Idempotency-Key: same body replays the first answer, different body is 422', async () => {
      const before = await count('messages');
      const body = { Messages: [msg({ CustomID: 'idem' })] };
      const [a, b] = await Promise.all([send(body, { 'idempotency-key': 'k-1' }), send(body, { 'idempotency-key': 'k-1' })]);
      const ja = (await a.json()) as any;
      const jb = (await b.json()) as any;
      assert.equal(ja.Messages[0].To[0].MessageID, jb.Messages[0].To[0].MessageID);
      assert.equal(await count('messages'), before + 1, 'sent once');
      const c = await send({ Messages: [msg({ CustomID: 'other' })] }, { 'idempotency-key': 'k-1' });
      assert.equal(c.status, 422);
      assert.equal(await count('messages'), before + 1);
    });

    test('stored templates with variables', async () => {
      const t = await fetch(`${n.url}/v1/templates`, {
        method: 'POST',
        headers: { authorization: n.basic, 'content-type': 'application/json' },
        body: JSON.stringify({ Name: 'welcome', Subject: 'Welcome {{var:name}}', TextPart: 'Hi {{var:name:"friend"}}{% if var:vip %}, VIP{% endif %}!' }),
      });
      assert.equal(t.status, 201);
      const tpl = (await t.json()) as any;
      const res = await send({ Messages: [{ From: { Email: 'a@acme.example' }, To: [{ Email: 'x@example.net' }], TemplateID: tpl.ID, TemplateLanguage: true, Variables: { name: 'Zoë', vip: true } }] });
      const b = (await res.json()) as any;
      assert.equal(b.Messages[0].Status, 'success', JSON.stringify(b));
      const id = b.Messages[0].To[0].MessageID;
      const row = await n.node.store.db.selectFrom('messages').select('subject').where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.subject, 'Welcome Zoë');
      assert.match((await storedBody(n.node.store, id)).toString(), /Hi Zo/);
      const missing = await send({ Messages: [{ From: { Email: 'a@acme.example' }, To: [{ Email: 'x@example.net' }], TemplateID: 999999 }] });
      assert.equal(((await missing.json()) as any).Messages[0].Errors[0].ErrorCode, 'send-0010');
    });

    test('credentials: wrong secret, revoked key, suspended tenant', async () => {
      const bad = await fetch(`${n.url}/v3.1/send`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${n.keyId}:nope`).toString('base64')}` }, body: '{}' });
      assert.equal(bad.status, 401);
      assert.equal(((await bad.json()) as any).ErrorCode, 'mj-0015');
      const t2 = await createTenant(n.node.store, 'Other');
      const k2 = await createApiKey(n.node.store, t2.id);
      const auth2 = `Basic ${Buffer.from(`${k2.key.id}:${k2.secret}`).toString('base64')}`;
      await revokeApiKey(n.node.store, k2.key.id);
      await new Promise((r) => setTimeout(r, 1100)); // auth cache lifetime
      const revoked = await fetch(`${n.url}/v3.1/send`, { method: 'POST', headers: { authorization: auth2 }, body: JSON.stringify({ Messages: [msg()] }) });
      assert.equal(revoked.status, 401);
      const t3 = await createTenant(n.node.store, 'Spammer');
      const k3 = await createApiKey(n.node.store, t3.id);
      await setTenantStatus(n.node.store, t3.id, 'suspended', 'complaint rate');
      const susp = await fetch(`${n.url}/v3.1/send`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${k3.key.id}:${k3.secret}`).toString('base64')}` }, body: JSON.stringify({ Messages: [msg()] }) });
      assert.equal(susp.status, 401);
      const sj = (await susp.json()) as any;
      assert.equal(sj.ErrorCode, 'mj-0001');
      assert.match(sj.ErrorMessage, /complaint rate/);
    });

    test("a tenant cannot read another tenant's message (404)", async () => {
      const res = await send({ Messages: [msg()] });
      const id = ((await res.json()) as any).Messages[0].To[0].MessageID;
      const t2 = await createTenant(n.node.store, 'Curious');
      const k2 = await createApiKey(n.node.store, t2.id);
      const other = await fetch(`${n.url}/v1/messages/${id}`, { headers: { authorization: `Basic ${Buffer.from(`${k2.key.id}:${k2.secret}`).toString('base64')}` } });
      assert.equal(other.status, 404);
      const evs = await fetch(`${n.url}/v1/events?message_id=${id}`, { headers: { authorization: `Basic ${Buffer.from(`${k2.key.id}:${k2.secret}`).toString('base64')}` } });
      assert.deepEqual(((await evs.json()) as any).data, []);
    });
  });
}

describe('template language errors [sqlite]', () => {
  test('TemplateErrorDeliver false: accepted but blocked with a suppressed event; true: delivered', async () => {
    const n = await startTestNode();
    try {
      const base = { From: { Email: 'a@acme.example' }, To: [{ Email: 'x@example.net' }], Subject: 'Hi {{var:name}}', TextPart: 'Hello {{var:name}}', TemplateLanguage: true };
      const res = await fetch(`${n.url}/v3.1/send`, { method: 'POST', headers: { authorization: n.basic }, body: JSON.stringify({ Messages: [base, { ...base, TemplateErrorDeliver: true }] }) });
      const b = (await res.json()) as any;
      assert.equal(b.Messages[0].Status, 'success');
      const blocked = await n.node.store.db.selectFrom('messages').select('status').where('id', '=', b.Messages[0].To[0].MessageID).executeTakeFirstOrThrow();
      assert.equal(blocked.status, 'suppressed');
      const ev = await n.node.store.db.selectFrom('events').select(['type', 'data']).where('message_id', '=', b.Messages[0].To[0].MessageID).executeTakeFirstOrThrow();
      assert.equal(ev.type, 'suppressed');
      assert.match(ev.data, /template language/);
      const sent = await n.node.store.db.selectFrom('messages').select('status').where('id', '=', b.Messages[1].To[0].MessageID).executeTakeFirstOrThrow();
      assert.equal(sent.status, 'queued');
      // a message no recipient will be sent keeps no body
      const bodyOf = async (id: number) => n.node.store.db.selectFrom('messages').innerJoin('bodies', 'bodies.id', 'messages.body_id').select('bodies.id').where('messages.id', '=', id).executeTakeFirst();
      assert.equal(await bodyOf(b.Messages[0].To[0].MessageID), undefined, 'blocked: no body stored');
      assert.ok(await bodyOf(b.Messages[1].To[0].MessageID), 'queued: its body is stored');
    } finally {
      await n.stop();
    }
  });
});
