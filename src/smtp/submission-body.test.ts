// The spooled body of an SMTP submission: the headers Relais adds, in front of the
// client's message byte for byte (they are written into room left before the message).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import { startTestNode, type TestNode } from '../../test/support/node.ts';
import { storedBody } from '../../test/support/bodies.ts';

describe('SMTP submission body', () => {
  let n: TestNode;
  before(async () => {
    n = await startTestNode();
  });
  after(async () => n.stop());

  const send = (raw: string) =>
    nodemailer
      .createTransport({ host: '127.0.0.1', port: n.node.ports.smtp, secure: false, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user: n.keyId, pass: n.secret } } as never)
      .sendMail({ envelope: { from: 'shop@acme.example', to: ['carol@example.net'] }, raw });
  const spooled = async (response: string) => {
    const id = Number(/queued as (\d+)/.exec(response)![1]);
    const row = await n.node.store.db.selectFrom('messages').innerJoin('bodies', 'bodies.id', 'messages.body_id').select('bodies.size').where('messages.id', '=', id).executeTakeFirstOrThrow();
    return { raw: await storedBody(n.node.store, id), size: Number(row.size) };
  };

  test('without Date, Message-ID and Feedback-ID: the three added before the untouched message', async () => {
    const body = `Body line é\r\n${'x'.repeat(70)}\r\n`.repeat(300);
    const original = `From: Shop <shop@acme.example>\r\nTo: carol@example.net\r\nSubject: Receipt\r\n\r\n${body}`;
    const info = await send(original);
    const { raw, size } = await spooled(info.response);
    assert.equal(size, raw.length);
    const text = raw.toString();
    const m = /^Date: [^\r\n]+\r\nMessage-ID: <[^>]+>\r\nFeedback-ID: none:\d+:transactional:relais\r\n/.exec(text);
    assert.ok(m, text.slice(0, 300));
    assert.ok(raw.subarray(Buffer.byteLength(m[0])).equals(Buffer.from(original)));
  });

  test('with its own Date and Message-ID: only Feedback-ID added', async () => {
    const original = 'From: shop@acme.example\r\nTo: carol@example.net\r\nDate: Sun, 29 Nov 2026 19:09:41 +0000\r\nMessage-ID: <a1@acme.example>\r\nSubject: Hi\r\n\r\nHello\r\n';
    const { raw } = await spooled((await send(original)).response);
    assert.equal(raw.toString(), `Feedback-ID: none:${n.tenantId}:transactional:relais\r\n${original}`);
  });
});
