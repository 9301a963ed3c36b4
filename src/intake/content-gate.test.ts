import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestNode, type TestNode } from '../../test/support/node.ts';

const spammy = {
  From: { Email: 'deals@acme.example' },
  To: [{ Email: 'x@example.net' }],
  CustomCampaign: 'blast',
  Subject: 'FREE!!! CLICK HERE NOW $$$ 100% GUARANTEED WINNER',
  HTMLPart: '<p><b>ACT NOW!!!</b> Buy cheap viagra, <a href="http://192.168.1.1/x">click here</a> to claim your FREE prize, 100% free money guaranteed, no risk, limited time offer!!!</p>',
};
const clean = {
  From: { Email: 'news@acme.example' },
  To: [{ Email: 'y@example.net' }],
  CustomCampaign: 'newsletter',
  Subject: 'Our autumn catalogue is out',
  TextPart: 'Hello Anna,\n\nOur autumn catalogue is ready. You can browse it on our website.\n\nKind regards,\nThe Acme team',
  HTMLPart: '<p>Hello Anna,</p><p>Our autumn catalogue is ready. You can <a href="https://acme.example/catalogue">browse the catalogue</a> on our website.</p><p>Kind regards,<br>The Acme team</p><p><a href="https://acme.example/unsubscribe">Unsubscribe</a></p>',
};

describe('content gate in intake', () => {
  let n: TestNode;
  before(async () => {
    n = await startTestNode();
  });
  after(async () => n.stop());
  const send = (m: unknown) => fetch(`${n.url}/v3.1/send`, { method: 'POST', headers: { authorization: n.basic }, body: JSON.stringify({ Messages: [m] }) });

  test('spammy marketing is refused with the top hits; clean marketing goes', async () => {
    const bad = (await (await send(spammy)).json()) as any;
    assert.equal(bad.Messages[0].Status, 'error');
    assert.equal(bad.Messages[0].Errors[0].ErrorCode, 'content-0001');
    assert.match(bad.Messages[0].Errors[0].ErrorMessage, /content score .* above 5/);
    const good = (await (await send(clean)).json()) as any;
    assert.equal(good.Messages[0].Status, 'success', JSON.stringify(good));
  });

  test('transactional spam is only warned about, and the warning is kept on the reception event', async () => {
    const { CustomCampaign: _c, ...tx } = spammy;
    const r = (await (await send(tx)).json()) as any;
    assert.equal(r.Messages[0].Status, 'success');
    const ev = await n.node.store.db.selectFrom('events').select('data').where('message_id', '=', r.Messages[0].To[0].MessageID).executeTakeFirstOrThrow();
    assert.match(ev.data, /warnings/);
  });

  test('an operator threshold makes transactional block too', async () => {
    const put = await fetch(`${n.url}/v1/admin/tenants/${n.tenantId}/content-thresholds`, { method: 'PUT', headers: { authorization: `Bearer ${n.node.adminToken}` }, body: JSON.stringify({ transactional: 5 }) });
    assert.equal(put.status, 200);
    const { CustomCampaign: _c, ...tx } = spammy;
    const r = (await (await send(tx)).json()) as any;
    assert.equal(r.Messages[0].Status, 'error');
    await fetch(`${n.url}/v1/admin/tenants/${n.tenantId}/content-thresholds`, { method: 'PUT', headers: { authorization: `Bearer ${n.node.adminToken}` }, body: JSON.stringify({ transactional: null }) });
  });

  test('POST /v1/content/check scores without sending', async () => {
    const res = await fetch(`${n.url}/v1/content/check`, { method: 'POST', headers: { authorization: n.basic, 'content-type': 'application/json' }, body: JSON.stringify({ subject: spammy.Subject, html: spammy.HTMLPart, stream: 'marketing' }) });
    assert.equal(res.status, 200);
    const rep = (await res.json()) as any;
    assert.ok(rep.score > 5, `score ${rep.score}`);
    assert.ok(rep.hits.length > 0);
    const bad = await fetch(`${n.url}/v1/content/check`, { method: 'POST', headers: { authorization: n.basic }, body: '{"nope": 1}' });
    assert.equal(bad.status, 400);
  });
});
