// A marketing message delivered by a real node carries its recipient's one-click
// unsubscribe link, covered by the DKIM signature; POSTing to it suppresses the recipient.
import '../runtime/extensions.ts';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestNode, type TestNode } from '../../test/support/node.ts';
import { generateDkimKey } from '../auth/dkim-keys.ts';
import { createDkimSigner } from '../auth/dkim-signer.ts';
import { deliverySeams } from './delivery-extension.ts';
import { type Receiver, startReceiver } from './testing/receiver.ts';

const key = generateDkimKey('rsa-sha256');
let n: TestNode;
let rx: Receiver;

before(async () => {
  rx = await startReceiver();
  const signer = createDkimSigner([{ domain: 'acme.example', selector: 'rls1', algorithm: 'rsa-sha256', privateKey: key.privateKeyPem }]);
  deliverySeams.signerFor = (domain) => (domain === 'acme.example' ? signer : undefined);
  n = await startTestNode({ roles: 'api,mta', env: { RELAIS_ROUTES: `example.net=127.0.0.1:${rx.port}` } });
});

after(async () => {
  await n.stop();
  await rx.close();
  deliverySeams.signerFor = undefined;
});

const send = (m: Record<string, unknown>) =>
  fetch(`${n.url}/v3.1/send`, {
    method: 'POST',
    headers: { authorization: n.basic },
    body: JSON.stringify({ Messages: [{ From: { Email: 'news@acme.example' }, To: [{ Email: 'reader@example.net' }], Subject: 'Autumn news', TextPart: 'Hello, here is our autumn news.', ...m }] }),
  }).then((r) => r.json() as Promise<any>);

async function waitFor<T>(f: () => T | undefined, ms = 15000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('marketing copies carry a signed one-click List-Unsubscribe that works; transactional ones do not', async () => {
  const tx = await send({ Subject: 'Your receipt' });
  const txId = tx.Messages[0].To[0].MessageID;
  const mk = await send({ CustomCampaign: 'autumn' });
  const mkId = mk.Messages[0].To[0].MessageID;
  const txMail = await waitFor(() => rx.messages.find((m) => m.raw.toString().includes('Your receipt')));
  const mkMail = await waitFor(() => rx.messages.find((m) => m.raw.toString().includes('Autumn news')));
  const txRaw = txMail.raw.toString();
  const mkRaw = mkMail.raw.toString();
  assert.doesNotMatch(txRaw, /^List-Unsubscribe:/im);
  assert.match(txRaw, /^X-Relais-Ref: b\+/im);
  assert.match(mkRaw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click/im);
  const url = /^List-Unsubscribe: <([^>]+)>/im.exec(mkRaw)?.[1];
  assert.ok(url, 'an https/http one-click URL');
  assert.match(mkRaw, /<mailto:u\+[a-z0-9-]+@/i);
  const sig = /^DKIM-Signature:([\s\S]*?)\r\n(?![ \t])/im.exec(mkRaw)?.[1].replace(/\s+/g, '') ?? '';
  assert.match(sig.toLowerCase(), /h=[^;]*list-unsubscribe/, 'the signature covers List-Unsubscribe');
  assert.ok(txId !== mkId);

  // GET only shows a page; POST with the RFC 8058 body unsubscribes.
  const path = new URL(url).pathname;
  const page = await fetch(`${n.url}${path}`);
  assert.equal(page.status, 200);
  const again1 = await send({ CustomCampaign: 'autumn-2', Subject: 'Still subscribed?' });
  assert.equal(again1.Messages[0].Status, 'success');
  const before = await n.node.store.db.selectFrom('messages').select('status').where('id', '=', again1.Messages[0].To[0].MessageID).executeTakeFirstOrThrow();
  assert.equal(before.status === 'suppressed', false, 'a GET must not unsubscribe');
  const post = await fetch(`${n.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
  assert.equal(post.status, 200);
  const after = await send({ CustomCampaign: 'autumn-3', Subject: 'After unsubscribe' });
  const row = await n.node.store.db.selectFrom('messages').select('status').where('id', '=', after.Messages[0].To[0].MessageID).executeTakeFirstOrThrow();
  assert.equal(row.status, 'suppressed');
  const stillTx = await send({ Subject: 'Password reset' });
  const txRow = await n.node.store.db.selectFrom('messages').select('status').where('id', '=', stillTx.Messages[0].To[0].MessageID).executeTakeFirstOrThrow();
  assert.notEqual(txRow.status, 'suppressed', 'transactional mail still goes');
});
