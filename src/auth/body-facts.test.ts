import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attachBodyFacts, attachedBodyFacts, bodyFacts, knowBodyFacts } from './body-facts.ts';
import { relaxedBody } from './dkim-canon.ts';
import { generateDkimKey } from './dkim-keys.ts';
import { createDkimSigner } from './dkim-signer.ts';
import { createHash } from 'node:crypto';

const key = generateDkimKey('rsa-sha256');
const signer = () => createDkimSigner([{ domain: 'acme.example', selector: 's1', algorithm: 'rsa-sha256', privateKey: key.privateKeyPem }]);
const message = (body: string) => Buffer.from(`From: a@acme.example\r\nTo: b@example.net\r\nSubject: hi\r\n\r\n${body}`, 'latin1');
const bhOf = (signed: Buffer) => /bh=([^;]+);/.exec(signed.toString('latin1'))![1]!.replace(/\s+/g, '');

test('bodyFacts: the bh= a signer computes, the body length and cleanLines', () => {
  for (const body of ['Hello\r\n', 'two  spaces \r\nand\ta tab\r\n\r\n\r\n', 'bare\nLF\n', '.dot\r\n..more\r\n', '']) {
    const raw = message(body);
    const f = bodyFacts(raw);
    assert.equal(f.bh, createHash('sha256').update(relaxedBody(Buffer.from(body, 'latin1'))).digest('base64'), JSON.stringify(body));
    assert.equal(f.bh, bhOf(signer()(raw)), 'the signer agrees');
    assert.equal(f.bodyLength, Buffer.byteLength(body, 'latin1'));
  }
  assert.equal(bodyFacts(message('ok\r\n')).clean, true);
  assert.equal(bodyFacts(message('bare\n')).clean, false);
});

test('a signer uses the body hash learnt for that very Buffer, and only while the body length matches', async () => {
  const raw = message('Hello\r\n');
  const fake = { bh: 'learnt-at-intake', bodyLength: 7, clean: true };
  knowBodyFacts(raw, fake);
  assert.equal(bhOf(Buffer.concat(await signer().signAsyncParts(raw))), 'learnt-at-intake', 'not hashed again');
  const same = Buffer.from(raw); // equal bytes, another Buffer: nothing known
  assert.equal(bhOf(signer()(same)), bodyFacts(same).bh);
  const other = message('Hello!\r\n');
  knowBodyFacts(other, fake); // facts of another body length are not used
  assert.equal(bhOf(signer()(other)), bodyFacts(other).bh);
});

test('facts ride on a spool body row object', () => {
  const row = { id: 1 };
  const f = bodyFacts(message('x\r\n'));
  assert.equal(attachedBodyFacts(row), undefined);
  attachBodyFacts(row, f);
  assert.equal(attachedBodyFacts(row), f);
  assert.equal(attachedBodyFacts({ id: 1 }), undefined);
});
