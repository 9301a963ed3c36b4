import assert from 'node:assert/strict';
import { test } from 'node:test';
import { headerInjectionSafe, validateAddress } from './address.ts';

const VALID: [string, string][] = [
  ['user@example.com', 'user@example.com'],
  ['first.last+tag@sub.example.co.uk', 'first.last+tag@sub.example.co.uk'],
  ["o'brien@example.ie", "o'brien@example.ie"],
  ['User@EXAMPLE.COM', 'User@example.com'], // domain case-folded, local part kept
  ['info@bücher.example', 'info@xn--bcher-kva.example'],
  ['kontakt@MÜNCHEN.de', 'kontakt@xn--mnchen-3ya.de'],
  ['x@xn--bcher-kva.example', 'x@xn--bcher-kva.example'],
  ['a@b-c.example', 'a@b-c.example'],
];

const INVALID: [string, string][] = [
  ['', 'syntax'],
  ['plainaddress', 'syntax'],
  ['@example.com', 'syntax'],
  ['user@', 'syntax'],
  ['user@localhost', 'syntax'],
  ['user@123.4', 'syntax'],
  ['user@[192.0.2.1]', 'syntax'],
  ['user@-example.com', 'syntax'],
  ['user@exa_mple.com', 'syntax'],
  ['user@example..com', 'syntax'],
  ['.user@example.com', 'syntax'],
  ['us..er@example.com', 'syntax'],
  ['"quoted"@example.com', 'syntax'],
  ['us er@example.com', 'syntax'],
  ['user@example.com\r\nBcc: x@example.org', 'syntax'],
  ['a@b@example.com', 'syntax'],
  ['jörg@example.de', 'smtputf8'],
  ['用户@例子.广告', 'smtputf8'],
  [`${'a'.repeat(65)}@example.com`, 'length'],
  [`a@${'b'.repeat(64)}.com`, 'syntax'],
  ['x@xn--zz.example', 'syntax'],
];

for (const [input, out] of VALID) {
  test(`valid address ${input}`, () => assert.deepEqual(validateAddress(input), { ok: true, email: out }));
}
for (const [input, reason] of INVALID) {
  test(`invalid address ${JSON.stringify(input)}`, () => {
    const r = validateAddress(input);
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.reason, reason);
      assert.ok(r.message.startsWith(`"${input}" is an invalid email address`));
    }
  });
}

test('SMTPUTF8 rejection says why', () => {
  const r = validateAddress('jörg@example.de');
  assert.ok(!r.ok && /SMTPUTF8/.test(r.message));
});

test('headerInjectionSafe', () => {
  for (const s of ['plain', 'tab\there', 'ünïcode', '']) assert.equal(headerInjectionSafe(s), true, s);
  for (const s of ['a\r\nb', 'a\nb', 'a\rb', 'a\0b']) assert.equal(headerInjectionSafe(s), false, JSON.stringify(s));
});
