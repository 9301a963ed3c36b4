import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { test } from 'node:test';
import { dkimPublicKey, dkimRecordStrings, dkimRecordText, generateDkimKey, isValidSelector, nextSelector } from './dkim-keys.ts';
import { displayTxt, splitTxtStrings, zoneFileTxt } from './txt-strings.ts';
import { sign } from 'node:crypto';

test('RSA-2048 key: p= is the SPKI, TXT split into ≤255-byte strings', () => {
  const k = generateDkimKey();
  const pub = createPublicKey({ key: Buffer.from(k.publicKey, 'base64'), format: 'der', type: 'spki' });
  assert.equal(pub.asymmetricKeyDetails?.modulusLength, 2048);
  const strings = dkimRecordStrings(k);
  assert.equal(strings.length, 2);
  assert.ok(strings.every((s) => Buffer.byteLength(s) <= 255));
  assert.equal(strings.join(''), dkimRecordText(k));
  assert.match(dkimRecordText(k), /^v=DKIM1; k=rsa; p=MIIB/);
  assert.equal(dkimPublicKey(k.privateKeyPem), k.publicKey);
});

test('Ed25519 key: p= is the raw 32-byte key (RFC 8463)', () => {
  const k = generateDkimKey('ed25519-sha256');
  assert.equal(Buffer.from(k.publicKey, 'base64').length, 32);
  assert.match(dkimRecordText(k), /^v=DKIM1; k=ed25519; p=/);
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(k.publicKey, 'base64')]);
  const pub = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  const sig = sign(null, Buffer.from('x'), k.privateKeyPem);
  assert.equal(verify(null, Buffer.from('x'), pub, sig), true);
});

test('selectors rotate by month and counter', () => {
  const nov = new Date(Date.UTC(2026, 10, 29));
  assert.equal(nextSelector([], nov), 'rls2026111');
  assert.equal(nextSelector(['rls2026111', 'RLS2026112'], nov), 'rls2026113');
  assert.equal(nextSelector(['rls2026111'], nov, 'ed25519-sha256'), 'rle2026111');
  assert.equal(nextSelector([], new Date(Date.UTC(2027, 0, 1))), 'rls2027011');
  assert.equal(isValidSelector('rls2026111'), true);
  assert.equal(isValidSelector('a.b'), true);
  assert.equal(isValidSelector('bad selector'), false);
  assert.equal(isValidSelector('-x'), false);
});

test('TXT strings: splitting, zone-file quoting, safe display', () => {
  assert.deepEqual(splitTxtStrings('a'.repeat(600)).map((s) => s.length), [255, 255, 90]);
  assert.deepEqual(splitTxtStrings(''), ['']);
  assert.deepEqual(splitTxtStrings('ü'.repeat(200)).map((s) => Buffer.byteLength(s)), [254, 146]);
  assert.equal(zoneFileTxt(['a "b"', 'c\\d']), '"a \\"b\\"" "c\\\\d"');
  assert.equal(displayTxt('ok\x00\x1b[31m'), 'ok\\x00\\x1b[31m');
  assert.equal(displayTxt('x'.repeat(600), 10), 'xxxxxxxxxx... (600 characters)');
});
