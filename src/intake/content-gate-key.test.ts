import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkContent } from '../content/index.ts';
import { identityNormalised } from './content-gate.ts';

const body = 'Hello Anna,\r\n\r\nOur autumn catalogue is ready: https://acme.example/catalogue\r\n\r\nKind regards,\r\nThe Acme team\r\n';
function message(date: string, mid: string, extra = ''): Buffer {
  return Buffer.from(`${extra}From: Acme <news@acme.example>\r\nTo: <anna@example.net>\r\nDate: ${date}\r\nMessage-ID: ${mid}\r\nSubject: Autumn catalogue\r\n\r\n${body}`);
}
const norm = (raw: Buffer) => {
  const n = identityNormalised(raw);
  return `${n.header}|${raw.subarray(n.bodyStart).toString('latin1')}`;
};

test('per-message identity headers do not change the key; content does', () => {
  const a = message('Sun, 29 Nov 2026 19:09:41 +0000', '<3f2a9c@acme.example>', 'Received: from a by b; Sun, 29 Nov 2026 19:09:41 +0000\r\nFeedback-ID: x:1:marketing:relais\r\n');
  const b = message('Sun, 29 Nov 2026 20:11:07 +0000', '<9b01de@acme.example>', 'Received: from c by d; Sun, 29 Nov 2026 20:11:07 +0000\r\nFeedback-ID: y:2:marketing:relais\r\n');
  assert.equal(norm(a), norm(b));
  assert.notEqual(norm(a), norm(Buffer.from(a.toString().replace('Anna', 'Bert'))));
  assert.notEqual(norm(a), norm(Buffer.from(a.toString().replace('catalogue\r\n\r\nHello', 'Catalogue\r\n\r\nHello'))));
  // a Message-ID of another domain is another key
  assert.notEqual(norm(a), norm(Buffer.from(a.toString().replace('<3f2a9c@acme.example>', '<3f2a9c@other.example>'))));
});

test('Date and Message-ID in other forms are kept verbatim', () => {
  const odd = message('29/11/2026 19:09', 'no-angle-brackets');
  const odd2 = message('29/11/2026 19:10', 'no-angle-brackets-2');
  assert.notEqual(norm(odd), norm(odd2));
  assert.match(norm(odd), /Date: 29\/11\/2026 19:09/);
  assert.match(norm(odd), /Message-ID: no-angle-brackets/);
});

test('the normalised message scores as the original (the check reads only presence and form)', async () => {
  const cases = [
    message('Sun, 29 Nov 2026 19:09:41 +0000', '<3f2a9c@acme.example>'),
    message('Mon, 3 Feb 2025 08:00:00 -0500 (EST)', '<a.b-c@mail.acme.example>', 'Received: from x\r\n'),
    message('yesterday', 'broken'),
  ];
  for (const raw of cases) {
    const n = identityNormalised(raw);
    const normalised = Buffer.concat([Buffer.from(n.header, 'latin1'), Buffer.from('\r\n\r\n'), raw.subarray(n.bodyStart)]);
    const [r1, r2] = await Promise.all([checkContent({ raw }, { stream: 'marketing' }), checkContent({ raw: normalised }, { stream: 'marketing' })]);
    assert.equal(r2.score, r1.score, raw.toString().slice(0, 200));
    assert.deepEqual(r2.hits.map((h) => h.rule), r1.hits.map((h) => h.rule));
  }
});

test('bare-LF messages are split at their blank line too', () => {
  const lf = (mid: string) => Buffer.from(`From: a@acme.example\nMessage-ID: ${mid}\nSubject: x\n\nHello\r\n\r\nWorld\n`);
  assert.equal(norm(lf('<1a@acme.example>')), norm(lf('<2b@acme.example>')));
  assert.equal(identityNormalised(lf('<1a@acme.example>')).bodyStart, lf('<1a@acme.example>').indexOf('Hello'));
});
