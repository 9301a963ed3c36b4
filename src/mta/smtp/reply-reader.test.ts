import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFailure, ReplyReader } from './reply-reader.ts';

test('replies split anywhere across chunks come out whole and in order', async () => {
  const r = new ReplyReader();
  const wire = '220 mx.example ESMTP\r\n250-mx.example\r\n250-PIPELINING\r\n250 SIZE 1000\r\n421-4.7.28 Gmail has detected\r\n421 4.7.28 an unusual rate\r\n';
  for (let i = 0; i < wire.length; i += 7) r.feed(Buffer.from(wire.slice(i, i + 7)));
  assert.deepEqual(await r.next(), { code: 220, text: '220 mx.example ESMTP' });
  assert.deepEqual(await r.next(), { code: 250, text: '250-mx.example\n250-PIPELINING\n250 SIZE 1000' });
  assert.deepEqual(await r.next(), { code: 421, text: '421-4.7.28 Gmail has detected\n421 4.7.28 an unusual rate' });
});

test('a waiter asked before the bytes arrive gets them; bare LF line ends and a bare code are accepted', async () => {
  const r = new ReplyReader();
  const p = r.next();
  r.feed(Buffer.from('250\n'));
  assert.deepEqual(await p, { code: 250, text: '250' });
  r.feed(Buffer.from('354 go\r\n'));
  assert.equal(r.pending, 1);
});

test('garbage, endless lines and failures end the reader for every waiter', async () => {
  const bad = new ReplyReader();
  bad.feed(Buffer.from('HTTP/1.1 400 Bad Request\r\n'));
  const f = await bad.next();
  assert.ok(isFailure(f) && f.kind === 'error' && /not an SMTP reply/.test(f.text));
  const long = new ReplyReader();
  long.feed(Buffer.from(`250-${'x'.repeat(9000)}`));
  assert.ok(isFailure(await long.next()));
  const closed = new ReplyReader();
  const a = closed.next();
  const b = closed.next();
  closed.fail({ code: 0, kind: 'closed', text: 'gone' });
  assert.equal(((await a) as { kind: string }).kind, 'closed');
  assert.equal(((await b) as { kind: string }).kind, 'closed');
  closed.feed(Buffer.from('250 late\r\n'));
  assert.ok(isFailure(await closed.next()), 'nothing after a failure');
});

test('a UTF-8 character split across two reads is kept whole (RFC 6531 replies)', async () => {
  const r = new ReplyReader();
  const bytes = Buffer.from('550 5.1.1 Empfänger unbekannt\r\n');
  const cut = bytes.indexOf(Buffer.from('ä')) + 1; // between the two bytes of "ä"
  r.feed(bytes.subarray(0, cut));
  r.feed(bytes.subarray(cut));
  assert.deepEqual(await r.next(), { code: 550, text: '550 5.1.1 Empfänger unbekannt' });
});
