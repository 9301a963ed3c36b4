import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDmarcRecord, parseDmarc, starterDmarcRecord } from './dmarc-record.ts';

test('valid records with defaults', () => {
  assert.deepEqual(parseDmarc('v=DMARC1; p=none; rua=mailto:d@example.test').record, {
    p: 'none',
    sp: undefined,
    adkim: 'r',
    aspf: 'r',
    pct: 100,
    rua: ['mailto:d@example.test'],
    ruf: [],
  });
  const r = parseDmarc('v=DMARC1;p=reject;sp=quarantine;adkim=s;aspf=r;pct=50;rua=mailto:a@x.test!10m,mailto:b@y.test').record!;
  assert.equal(r.sp, 'quarantine');
  assert.equal(r.adkim, 's');
  assert.equal(r.pct, 50);
  assert.equal(r.rua.length, 2);
  assert.equal(isDmarcRecord('v=DMARC1; p=none'), true);
  assert.equal(isDmarcRecord('v=spf1 -all'), false);
  assert.equal(starterDmarcRecord('d@x.test'), 'v=DMARC1; p=none; rua=mailto:d@x.test');
});

test('invalid records name their problem', () => {
  const cases: Array<[string, RegExp]> = [
    ['v=DMARC1', /p= is missing/],
    ['v=DMARC1; p=maybe', /p=maybe is not a policy/],
    ['p=none; v=DMARC1', /must start with v=DMARC1/],
    ['v=DMARC2; p=none', /exactly "DMARC1"/],
    ['v=DMARC1; p=none; adkim=x', /adkim=x must be r/],
    ['v=DMARC1; p=none; pct=101', /pct=101/],
    ['v=DMARC1; p=none; rua=https://x.test', /not a mailto/],
    ['v=DMARC1; p=none; p=reject', /appears twice/],
    ['v=DMARC1; p=none; junk', /not a tag=value/],
  ];
  for (const [text, why] of cases) {
    const r = parseDmarc(text);
    assert.equal(r.record, undefined, text);
    assert.match(r.errors.join('; '), why, text);
  }
});
