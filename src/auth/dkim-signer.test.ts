import assert from 'node:assert/strict';
import { Resolver as CaresResolver } from 'node:dns/promises';
import { after, before, test } from 'node:test';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { type DnsServer, startDnsServer } from '../../test/support/dns-server.ts';
import { ManualClock } from '../core/clock.ts';
import { relaxedBody, relaxedHeader } from './dkim-canon.ts';
import { dkimRecordName, dkimRecordStrings, generateDkimKey } from './dkim-keys.ts';
import { createDkimSigner } from './dkim-signer.ts';
import { dkimverifyMissing, runDkimverify } from './testing/dkimverify.ts';

const rsa = generateDkimKey('rsa-sha256');
const ed = generateDkimKey('ed25519-sha256');
const other = generateDkimKey('rsa-sha256');
let dns: DnsServer;

before(async () => {
  dns = await startDnsServer({
    zones: {
      'example.test': {
        [dkimRecordName('rls2026111', 'example.test')]: { TXT: [dkimRecordStrings(rsa)] },
        [dkimRecordName('rle2026111', 'example.test')]: { TXT: [dkimRecordStrings(ed)] },
        [dkimRecordName('wrong', 'example.test')]: { TXT: [dkimRecordStrings(other)] },
      },
    },
  });
});
after(() => dns.stop());

const message = Buffer.from(
  [
    'Received: from x by y; Sun, 29 Nov 2026 18:00:00 +0000',
    'From: "Shop" <news@example.test>',
    'To: a@example.org,',
    '  b@example.org',
    'Subject:   Hello   there  ',
    'Date: Sun, 29 Nov 2026 18:00:00 +0000',
    'Message-ID: <1@example.test>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    'List-Unsubscribe: <https://u.example.test/u/abc>, <mailto:u@example.test?subject=abc>',
    'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    'Feedback-ID: c1:t1:marketing:relais',
    '',
    'Grüße  aus  Köln \t',
    '',
    'line with trailing tab\t',
    '',
    '',
  ].join('\r\n'),
  'utf8',
);

function mailauthResolver() {
  const r = new CaresResolver({ timeout: 1000, tries: 1 });
  r.setServers([dns.server]);
  return (name: string, type: string) => r.resolve(name, type) as Promise<string[][]>;
}

test('relaxed canonicalization (RFC 6376 §3.4.6 example)', () => {
  assert.equal(relaxedHeader('A: X'), 'a:X');
  assert.equal(relaxedHeader('B : Y\t\r\n\tZ  '), 'b:Y Z');
  const body = (s: string) => relaxedBody(s).toString('latin1');
  assert.equal(body(' C \r\nD \t E\r\n\r\n\r\n'), ' C\r\nD E\r\n');
  assert.equal(body('\r\n\r\n'), '');
  assert.equal(body('no newline  '), 'no newline\r\n');
  assert.equal(body('bare\nLF \n\n'), 'bare\r\nLF\r\n');
  assert.equal(body('lone\rCR'), 'lone\rCR\r\n');
});

test('RSA and Ed25519 signatures verify with mailauth', async () => {
  const sign = createDkimSigner(
    [
      { domain: 'example.test', selector: 'rls2026111', algorithm: 'rsa-sha256', privateKey: rsa.privateKeyPem },
      { domain: 'example.test', selector: 'rle2026111', algorithm: 'ed25519-sha256', privateKey: ed.privateKeyPem },
    ],
    { clock: new ManualClock(Date.now()) },
  );
  const signed = sign(message);
  const head = signed.toString('latin1').split('\r\n\r\n')[0]!;
  const h = /h=([^;]+);/.exec(head.replace(/\r\n\t/g, ''))![1]!.split(':');
  assert.deepEqual(h.filter((x) => x === 'from').length, 2, 'From oversigned');
  for (const name of ['to', 'subject', 'date', 'message-id', 'list-unsubscribe', 'list-unsubscribe-post', 'feedback-id']) assert.ok(h.includes(name), name);
  assert.ok(!h.includes('cc') && !h.includes('received'), 'absent and unlisted headers are not signed');
  const res = await dkimVerify(signed, { resolver: mailauthResolver() });
  assert.deepEqual(
    res.results.map((r) => [r.selector, r.status.result]),
    [
      ['rls2026111', 'pass'],
      ['rle2026111', 'pass'],
    ],
  );
  const async = await sign.signAsync(message);
  const res2 = await dkimVerify(async, { resolver: mailauthResolver() });
  assert.deepEqual(res2.results.map((r) => r.status.result), ['pass', 'pass']);
});

test('tampering, an added From and a wrong key fail', async () => {
  const sign = createDkimSigner([{ domain: 'example.test', selector: 'rls2026111', algorithm: 'rsa-sha256', privateKey: rsa.privateKeyPem }]);
  const signed = sign(message).toString('latin1');
  const tampered = Buffer.from(signed.replace('Hello', 'Hullo'), 'latin1');
  assert.equal((await dkimVerify(tampered, { resolver: mailauthResolver() })).results[0]!.status.result, 'fail');
  const extraFrom = Buffer.from(signed.replace('Subject:', 'From: evil@attacker.test\r\nSubject:'), 'latin1');
  assert.equal((await dkimVerify(extraFrom, { resolver: mailauthResolver() })).results[0]!.status.result, 'fail');
  const wrong = createDkimSigner([{ domain: 'example.test', selector: 'wrong', algorithm: 'rsa-sha256', privateKey: rsa.privateKeyPem }]);
  assert.equal((await dkimVerify(wrong(message), { resolver: mailauthResolver() })).results[0]!.status.result, 'fail');
});

test('signatures verify with Debian dkimverify against the loopback DNS server', async (t) => {
  const missing = dkimverifyMissing();
  if (missing) {
    t.skip(missing);
    return;
  }
  const sign = createDkimSigner([
    { domain: 'example.test', selector: 'rls2026111', algorithm: 'rsa-sha256', privateKey: rsa.privateKeyPem },
    { domain: 'example.test', selector: 'rle2026111', algorithm: 'ed25519-sha256', privateKey: ed.privateKeyPem },
  ]);
  const signed = sign(message);
  const r0 = await runDkimverify(signed, dns, 0);
  assert.ok(r0.ok, r0.output);
  const r1 = await runDkimverify(signed, dns, 1);
  assert.ok(r1.ok, r1.output);
  const bad = await runDkimverify(Buffer.from(signed.toString('latin1').replace('trailing tab', 'trailing TAB'), 'latin1'), dns, 0);
  assert.equal(bad.ok, false, bad.output);
});

test('bare-LF input is signed as the CRLF message it becomes on the wire', async () => {
  const sign = createDkimSigner([{ domain: 'example.test', selector: 'rls2026111', algorithm: 'rsa-sha256', privateKey: rsa.privateKeyPem }]);
  const lf = sign(Buffer.from(message.toString('latin1').replace(/\r\n/g, '\n'), 'latin1'));
  const wire = Buffer.from(lf.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
  assert.equal((await dkimVerify(wire, { resolver: mailauthResolver() })).results[0]!.status.result, 'pass');
});

test('a message without a body and without optional headers', async () => {
  const sign = createDkimSigner([{ domain: 'example.test', selector: 'rls2026111', algorithm: 'rsa-sha256', privateKey: rsa.privateKeyPem }]);
  const signed = sign(Buffer.from('From: a@example.test\r\nSubject: x\r\n\r\n'));
  assert.match(signed.toString(), /h=from:from:subject;/);
  const res = await dkimVerify(signed, { resolver: mailauthResolver() });
  assert.equal(res.results[0]!.status.result, 'pass');
});

test('rejects keys that do not match their algorithm or have bad selectors', () => {
  assert.throws(() => createDkimSigner([{ domain: 'x.test', selector: 's', algorithm: 'ed25519-sha256', privateKey: rsa.privateKeyPem }]), /expected ed25519/);
  assert.throws(() => createDkimSigner([{ domain: 'x.test', selector: 'bad selector', algorithm: 'rsa-sha256', privateKey: rsa.privateKeyPem }]), /selector/);
  assert.throws(() => createDkimSigner([]), /at least one/);
});

test('a prefix of per-recipient headers is signed with the message and each copy verifies', async () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 29));
  const sign = createDkimSigner([{ domain: 'example.test', selector: 'rls2026111', algorithm: 'rsa-sha256', privateKey: rsa.privateKeyPem }], {
    clock,
    headers: ['from', 'subject', 'x-relais-ref'],
  });
  const prefixA = 'X-Relais-Ref: <https://example.test/u/a>\r\n';
  const prefixB = 'X-Relais-Ref: <https://example.test/u/b>\r\n';
  const a = await sign.signAsync(message, prefixA);
  const b = sign(message, prefixB);
  // Same bytes as signing the concatenation.
  assert.deepEqual(a, sign(Buffer.concat([Buffer.from(prefixA), message])));
  for (const m of [a, b]) {
    assert.match(m.toString('latin1'), /h=from:from:subject:x-relais-ref;/);
    const res = await dkimVerify(m, { resolver: mailauthResolver() });
    assert.equal(res.results[0]!.status.result, 'pass');
  }
  // Swapping the recipient header breaks the signature: it is covered.
  const swapped = Buffer.from(a.toString('latin1').replace('/u/a>', '/u/b>'), 'latin1');
  assert.equal((await dkimVerify(swapped, { resolver: mailauthResolver() })).results[0]!.status.result, 'fail');
});

test('signAsyncParts gives signAsync bytes in pieces, the message Buffer itself last', async () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 29));
  const sign = createDkimSigner([{ domain: 'example.test', selector: 'rls2026111', algorithm: 'rsa-sha256', privateKey: rsa.privateKeyPem }], { clock });
  const parts = await sign.signAsyncParts(message);
  assert.equal(parts.at(-1), message);
  assert.deepEqual(Buffer.concat(parts), await sign.signAsync(message));
  assert.equal((await dkimVerify(Buffer.concat(parts), { resolver: mailauthResolver() })).results[0]!.status.result, 'pass');
});
