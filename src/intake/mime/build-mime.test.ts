import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simpleParser } from 'mailparser';
import { decodeMimeWords } from '../mailjet/smtp-headers.ts';
import type { NormalizedMessage } from '../mailjet/types.ts';
import { validateSendRequest } from '../mailjet/validate-request.ts';
import { buildMime } from './build-mime.ts';
import { quotedPrintable } from './encode.ts';

function message(fields: Record<string, unknown>): NormalizedMessage {
  const v = validateSendRequest({
    Messages: [{ From: { Email: 'shop@example.com', Name: 'The Shop' }, To: [{ Email: 'a@example.org' }], ...fields }],
  });
  assert.ok(v.ok && v.messages[0]!.ok, JSON.stringify(v));
  return v.messages[0].message;
}

const DATE = new Date(Date.UTC(2026, 1, 3, 4, 5, 6));
const OPTS = { messageIdHeader: '<m1@relais.example>', date: DATE };

function wellFormed(raw: Buffer) {
  const s = raw.toString('latin1');
  assert.ok(!/[^\x00-\x7f]/.test(s), 'output is ASCII only');
  assert.ok(!/\r(?!\n)|(?<!\r)\n/.test(s), 'CRLF line endings only');
  for (const line of s.split('\r\n')) assert.ok(line.length <= 998, `line of ${line.length} characters`);
  const head = s.slice(0, s.indexOf('\r\n\r\n'));
  for (const name of ['Message-ID', 'Date', 'From', 'MIME-Version']) {
    assert.equal(head.match(new RegExp(`^${name}:`, 'gim'))?.length, 1, `exactly one ${name}`);
  }
}

test('text and html, Unicode subject and names: mailparser reads back the same content', async () => {
  const text = 'Grüße, Jörg!\nSecond line with trailing space \nA very long line '.concat('x'.repeat(300), '\n= sign and =3D literal\n');
  const html = `<p style="a:b">Hé ${'<span>long</span>'.repeat(100)}</p>`;
  const m = message({
    Sender: { Email: 'bulk@example.com' },
    To: [{ Email: 'a@example.org', Name: 'Müller, Anna' }, { Email: 'b@bücher.example', Name: 'Bob "the" Builder' }],
    Cc: [{ Email: 'c@example.org', Name: 'Carol' }],
    Bcc: [{ Email: 'secret@example.org' }],
    ReplyTo: { Email: 'help@example.com', Name: 'Help Desk' },
    Subject: 'Ihre Bestellung ✓ — confirmée, with a rather long subject that has to be folded over lines',
    TextPart: text,
    HTMLPart: html,
  });
  const raw = buildMime(m, OPTS);
  wellFormed(raw);
  assert.ok(!/secret@example\.org/.test(raw.toString()), 'no Bcc header');
  const p = await simpleParser(raw);
  assert.equal(p.subject, m.subject);
  assert.equal(p.messageId, '<m1@relais.example>');
  assert.equal(p.date?.getTime(), DATE.getTime());
  assert.deepEqual(p.from?.value, [{ address: 'shop@example.com', name: 'The Shop' }]);
  assert.deepEqual(
    (Array.isArray(p.to) ? p.to[0] : p.to)?.value,
    [
      { address: 'a@example.org', name: 'Müller, Anna' },
      { address: 'b@bücher.example', name: 'Bob "the" Builder' },
    ], // mailparser shows the punycode domain in Unicode again
  );
  assert.deepEqual((Array.isArray(p.cc) ? p.cc[0] : p.cc)?.value, [{ address: 'c@example.org', name: 'Carol' }]);
  assert.deepEqual((Array.isArray(p.replyTo) ? p.replyTo[0] : p.replyTo)?.value, [{ address: 'help@example.com', name: 'Help Desk' }]);
  assert.equal(p.headers.get('sender') && (p.headers.get('sender') as { value: { address: string }[] }).value[0]!.address, 'bulk@example.com');
  assert.equal(p.text, text.replace(/\n/g, '\n'));
  assert.equal(p.html, html);
  assert.equal(p.bcc, undefined);
});

test('ASCII parts go 7bit, others quoted-printable; the structure matches the content', async () => {
  const onlyText = buildMime(message({ TextPart: 'Hello\nworld' }), OPTS).toString();
  assert.match(onlyText, /^Content-Type: text\/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit$/m);
  assert.doesNotMatch(onlyText, /multipart/);
  const onlyHtml = buildMime(message({ HTMLPart: '<p>é</p>' }), OPTS).toString();
  assert.match(onlyHtml, /^Content-Type: text\/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable$/m);
  const both = buildMime(message({ TextPart: 't', HTMLPart: '<p>h</p>' }), OPTS).toString();
  assert.match(both, /^Content-Type: multipart\/alternative; boundary="/m);
  // a part that contains our boundary prefix is never sent 7bit
  const tricky = buildMime(message({ TextPart: '--=_relais_x\r\nfake' }), OPTS);
  assert.match(tricky.toString(), /quoted-printable/);
  assert.equal((await simpleParser(tricky)).text, '--=_relais_x\nfake\n'); // a single part ends with CRLF
});

test('attachments and inline parts: mixed > related > alternative, content intact', async () => {
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
  const pdf = Buffer.alloc(5000, 0xab);
  const m = message({
    TextPart: 'see attached',
    HTMLPart: '<img src="cid:logo1">',
    Attachments: [
      { ContentType: 'application/pdf', Filename: 'facture été.pdf', Base64Content: pdf.toString('base64') },
      { ContentType: 'text/csv', Filename: 'data "x".csv', Base64Content: Buffer.from('a,b\n1,2\n').toString('base64') },
    ],
    InlinedAttachments: [{ ContentType: 'image/png', Filename: 'logo.png', Base64Content: png.toString('base64'), ContentID: 'logo1' }],
  });
  const raw = buildMime(m, OPTS);
  wellFormed(raw);
  const s = raw.toString();
  assert.match(s, /^Content-Type: multipart\/mixed;/m);
  assert.match(s, /^Content-Type: multipart\/related; boundary="[^"]+"; type="multipart\/alternative"/m);
  const p = await simpleParser(raw);
  assert.equal(p.text, 'see attached');
  assert.equal(p.attachments.length, 3);
  const byName = new Map(p.attachments.map((a) => [a.filename, a]));
  assert.ok(byName.get('facture été.pdf')!.content.equals(pdf));
  assert.equal(byName.get('facture été.pdf')!.contentDisposition, 'attachment');
  assert.equal(byName.get('data "x".csv')!.content.toString(), 'a,b\n1,2\n');
  const logo = byName.get('logo.png')!;
  assert.ok(logo.content.equals(png));
  assert.equal(logo.cid, 'logo1');
  assert.equal(logo.contentDisposition, 'inline');
});

test('Feedback-ID, List-Unsubscribe (+ one-click Post only with https), custom and extra headers', async () => {
  const m = message({ TextPart: 't', Headers: { 'X-Order': 'A-1 ✓', 'Reply-To': 'x@example.com', 'X-Dup': 'message' } });
  const raw = buildMime(m, {
    ...OPTS,
    feedbackId: 'spring:7:marketing:relais',
    listUnsubscribe: { url: 'https://relais.example/u/abc', mailto: 'unsub+abc@relais.example' },
    extraHeaders: { 'X-Dup': 'platform', 'X-Relais-Tenant': '7' },
  });
  wellFormed(raw);
  const p = await simpleParser(raw);
  assert.equal(p.headers.get('feedback-id'), 'spring:7:marketing:relais');
  const list = p.headers.get('list') as Record<string, unknown>;
  assert.deepEqual(list['unsubscribe-post'], { name: 'List-Unsubscribe=One-Click' });
  assert.deepEqual(list.unsubscribe, { url: 'https://relais.example/u/abc', mail: 'unsub+abc@relais.example' });
  assert.equal(decodeMimeWords(p.headers.get('x-order') as string), 'A-1 ✓'); // mailparser leaves X- headers encoded
  assert.equal(p.headers.get('x-dup'), 'platform'); // platform headers win over the tenant's
  assert.equal(p.headers.get('x-relais-tenant'), '7');
  assert.equal((p.replyTo?.value ?? [])[0]?.address, 'x@example.com');
  // the ReplyTo property wins over a custom Reply-To header
  const both = buildMime(message({ TextPart: 't', ReplyTo: { Email: 'prop@example.com' }, Headers: { 'Reply-To': 'hdr@example.com' } }), OPTS);
  assert.equal(((await simpleParser(both)).replyTo?.value ?? [])[0]?.address, 'prop@example.com');
  assert.doesNotMatch(both.toString(), /hdr@example\.com/);
  // mailto only: no one-click Post header (RFC 8058 needs an https URI)
  const mailtoOnly = buildMime(message({ TextPart: 't' }), { ...OPTS, listUnsubscribe: { mailto: 'u@relais.example' } }).toString();
  assert.match(mailtoOnly, /^List-Unsubscribe: <mailto:u@relais\.example>$/m);
  assert.doesNotMatch(mailtoOnly, /List-Unsubscribe-Post/);
});

test('random Unicode subjects, names and bodies survive a mailparser round trip', async () => {
  const alphabet = ['a', 'Z', ' ', ' ', '=', '?', '_', '"', '\\', ',', 'é', 'ß', 'Ω', '中', '😀', '\t', '.', '-', '\n'];
  let seed = 42;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const str = (len: number, lines: boolean) =>
    Array.from({ length: len }, () => alphabet[rnd(alphabet.length - (lines ? 0 : 2))]).join('');
  for (let i = 0; i < 150; i++) {
    const subject = str(1 + rnd(120), false).trim() || 'x';
    const name = str(1 + rnd(40), false).trim() || 'n';
    const text = `${str(1 + rnd(2000), true)}end`;
    const m = message({ To: [{ Email: 'a@example.org', Name: name }], Subject: subject, TextPart: text });
    const raw = buildMime(m, OPTS);
    wellFormed(raw);
    const p = await simpleParser(raw);
    assert.equal(p.subject, subject, `subject #${i}`);
    assert.equal(p.text, `${text}\n`, `text #${i}`); // a single part ends with CRLF
    const to = (Array.isArray(p.to) ? p.to[0] : p.to)!.value[0]!;
    assert.equal(to.address, 'a@example.org');
    assert.equal(to.name, name, `name #${i}`);
  }
});

test('quoted-printable: soft breaks, trailing whitespace, "=" and line endings', () => {
  assert.equal(quotedPrintable('a=b'), 'a=3Db');
  assert.equal(quotedPrintable('end \nnext\t\r\nlast '), 'end=20\r\nnext=09\r\nlast=20');
  assert.equal(quotedPrintable('é'), '=C3=A9');
  const long = quotedPrintable('x'.repeat(200));
  for (const line of long.split('\r\n')) assert.ok(line.length <= 76, line);
  assert.equal(long.replace(/=\r\n/g, ''), 'x'.repeat(200));
  // an escape sequence is never split by a soft break
  const esc = quotedPrintable(`${'x'.repeat(74)}é`);
  assert.equal(esc, `${'x'.repeat(74)}=\r\n=C3=A9`);
});

test('a message without From is refused (render the template first)', () => {
  const m = message({ TextPart: 't' });
  delete m.from;
  assert.throws(() => buildMime(m, OPTS), /no From/);
});
