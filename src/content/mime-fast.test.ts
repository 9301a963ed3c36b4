import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { simpleParser } from 'mailparser';
import { decodeHeaderWords, parseFast } from './mime-fast.ts';

const dir = join(import.meta.dirname, 'fixtures');
const norm = (s: string | undefined) => (s ?? '').replace(/\r\n/g, '\n').trim();

test('the fast path decodes every fixture like mailparser does', async () => {
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.eml'))) {
    const raw = readFileSync(join(dir, f));
    const fast = parseFast(raw);
    assert.ok(fast, `${f}: fast path refused a well-formed message`);
    const mp = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true });
    const subject = decodeHeaderWords(fast.headerLines.find((h) => h.key === 'subject')?.value);
    assert.equal(subject, mp.subject, f);
    assert.equal(norm(fast.text), norm(mp.text), `${f} text`);
    assert.equal(norm(fast.html), norm(typeof mp.html === 'string' ? mp.html : undefined), `${f} html`);
    assert.deepEqual(fast.attachments.map((a) => [a.filename, a.size]), mp.attachments.map((a) => [a.filename, a.size]), `${f} attachments`);
  }
});

test('encodings and charsets: base64, quoted-printable, latin-1, encoded words', () => {
  const raw = [
    'From: =?iso-8859-1?Q?Caf=E9_Ren=E9?= <info@cafe.example>',
    'Subject: =?utf-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=',
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary=XX',
    '',
    '--XX',
    'Content-Type: text/plain; charset=iso-8859-1',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Cr=E8me br=FBl=E9e =',
    'offerte',
    '--XX',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('<p>Crème brûlée</p>').toString('base64'),
    '--XX--',
    '',
  ].join('\r\n');
  const r = parseFast(raw)!;
  assert.equal(decodeHeaderWords(r.headerLines.find((h) => h.key === 'subject')!.value), 'Grüße aus Köln');
  assert.equal(decodeHeaderWords(r.headerLines.find((h) => h.key === 'from')!.value), 'Café René <info@cafe.example>');
  assert.equal(r.text, 'Crème brûlée offerte');
  assert.equal(r.html, '<p>Crème brûlée</p>');
});

test('unusual structure falls back to mailparser (undefined)', () => {
  const cases = [
    'just some text without headers',
    'From: a@b.example\r\nContent-Type: multipart/mixed\r\n\r\n--x\r\n\r\nhello\r\n',
    'From: a@b.example\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\nno delimiter at all\r\n',
    'From: a@b.example\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\nx\r\n',
    'From: a@b.example\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 x\r\n',
  ];
  for (const raw of cases) assert.equal(parseFast(raw), undefined, raw.slice(0, 60));
});
