import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasInclude, isSpfRecord, mergeSpf, operatorSpfRecord, parseSpf } from './spf-record.ts';

const INC = '_spf.relais.test';

test('merge table: never a second record', () => {
  const cases: Array<[string[], string, 'create' | 'replace' | 'none']> = [
    [[], `v=spf1 include:${INC} ~all`, 'create'],
    [['google-site-verification=x'], `v=spf1 include:${INC} ~all`, 'create'],
    [['v=spf1 mx -all'], `v=spf1 include:${INC} mx -all`, 'replace'],
    [['v=spf1 include:_spf.google.com ~all'], `v=spf1 include:${INC} include:_spf.google.com ~all`, 'replace'],
    [[`v=spf1 include:${INC.toUpperCase()}. -all`], `v=spf1 include:${INC.toUpperCase()}. -all`, 'none'],
    [['v=spf1 redirect=_spf.example.test'], `v=spf1 include:${INC} redirect=_spf.example.test`, 'replace'],
    [['v=spf1 +all'], `v=spf1 include:${INC} ~all`, 'replace'],
    [['v=spf1 a ~all', 'v=spf1 mx a -all'], `v=spf1 include:${INC} a mx -all`, 'replace'],
    [['v=spf1 ip4:192.0.2.1'], `v=spf1 include:${INC} ip4:192.0.2.1 ~all`, 'replace'],
  ];
  for (const [existing, record, action] of cases) {
    const m = mergeSpf(existing, INC);
    assert.equal(m.record, record, existing.join(' | '));
    assert.equal(m.action, action, existing.join(' | '));
  }
  assert.deepEqual(mergeSpf(['v=spf1 a ~all', 'v=spf1 mx a -all'], INC).replaces, ['v=spf1 a ~all', 'v=spf1 mx a -all']);
});

test('parsing and recognition', () => {
  assert.equal(isSpfRecord('v=spf1'), true);
  assert.equal(isSpfRecord('V=SPF1 -all'), true);
  assert.equal(isSpfRecord('v=spf10 -all'), false);
  assert.deepEqual(parseSpf('v=spf1 ip4:192.0.2.0/24 ~include:a.test exp=x.test -all').terms.map((t) => t.raw), ['ip4:192.0.2.0/24', '~include:a.test', 'exp=x.test', '-all']);
  assert.deepEqual(parseSpf('v=spf1 ip4:999.1.1.1 bogus include: redirect=a redirect=b').errors, [
    '"ip4:999.1.1.1" is not a valid address',
    '"bogus" is not an SPF mechanism',
    '"include:" needs a domain',
    'more than one redirect=',
  ]);
  assert.equal(hasInclude('v=spf1 -include:_spf.relais.test', INC), false);
  assert.equal(operatorSpfRecord(['192.0.2.1', '2001:db8::1']), 'v=spf1 ip4:192.0.2.1 ip6:2001:db8::1 -all');
});
