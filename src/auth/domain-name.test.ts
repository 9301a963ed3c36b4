import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '../core/errors.ts';
import { domainNameProblem, normalizeDomain, organizationalDomain, relaxedAligned } from './domain-name.ts';

test('normalizes ASCII and internationalised names', () => {
  assert.deepEqual(normalizeDomain('  News.Example.COM. '), { ascii: 'news.example.com', unicode: 'news.example.com' });
  assert.deepEqual(normalizeDomain('Bücher.example'), { ascii: 'xn--bcher-kva.example', unicode: 'bücher.example' });
  assert.deepEqual(normalizeDomain('xn--bcher-kva.example'), { ascii: 'xn--bcher-kva.example', unicode: 'bücher.example' });
  assert.equal(normalizeDomain('münchen.de').ascii, 'xn--mnchen-3ya.de');
});

test('rejects what cannot be a sending domain, with a reason', () => {
  const bad: Array<[string, RegExp]> = [
    ['', /empty/],
    ['localhost', /no top-level domain/],
    ['user@example.com', /part after the @/],
    ['ex ample.com', /not a domain/],
    ['a..b.com', /empty label/],
    ['-a.com', /letters, digits/],
    ['a_b.com', /letters, digits/],
    ['192.0.2.1', /IP address/],
    ['example.123', /not a valid|ends in a number/],
    [`${'a'.repeat(64)}.com`, /63/],
    [`${'abcdefghi.'.repeat(26)}com`, /253/],
    ['co.uk', /public suffix/],
    ['com', /top-level/],
    ['github.io', /public suffix/],
    ['\u0000evil.com', /not a valid/],
    ['x'.repeat(5000), /far too long/],
  ];
  for (const [input, why] of bad) {
    assert.match(domainNameProblem(input) ?? 'accepted', why, JSON.stringify(input.slice(0, 40)));
  }
  assert.throws(() => normalizeDomain('nope'), ValidationError);
  assert.equal(domainNameProblem(42 as unknown as string), 'the domain must be a string');
});

test('organizational domains and relaxed alignment', () => {
  assert.equal(organizationalDomain('bounce.mail.example.co.uk'), 'example.co.uk');
  assert.equal(organizationalDomain('example.com'), 'example.com');
  assert.equal(relaxedAligned('rp.example.com', 'example.com'), true);
  assert.equal(relaxedAligned('example.net', 'example.com'), false);
  assert.equal(relaxedAligned('a.github.io', 'b.github.io'), false, 'private suffixes count');
});
