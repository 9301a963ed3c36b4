import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryResolver } from '../dns/memory-resolver.ts';
import { dkimRecordText, generateDkimKey } from './dkim-keys.ts';
import { lookupExistingRecords, planDomainRecords } from './domain-plan.ts';

const rsa = generateDkimKey();
const ed = generateDkimKey('ed25519-sha256');
const base = {
  domain: 'example.test',
  dkimKeys: [
    { selector: 'rls2026111', algorithm: 'rsa-sha256' as const, publicKey: rsa.publicKey },
    { selector: 'rle2026111', algorithm: 'ed25519-sha256' as const, publicKey: ed.publicKey },
  ],
  spfInclude: '_spf.relais.test',
  egressIps: ['192.0.2.10', '2001:db8::10'],
  returnPathHost: 'bounces.relais.test',
  dmarcRua: 'dmarc@reports.relais.test',
  trackingHost: 'click.relais.test',
};

test('a fresh domain gets every record, exactly', () => {
  const plan = planDomainRecords(base);
  const byId = Object.fromEntries(plan.records.map((r) => [r.id, r]));
  assert.deepEqual(Object.keys(byId), ['dkim:rls2026111', 'dkim:rle2026111', 'spf', 'return-path', 'dmarc', 'tracking']);
  assert.equal(byId['dkim:rls2026111']!.name, 'rls2026111._domainkey.example.test');
  assert.equal(byId['dkim:rls2026111']!.value, dkimRecordText(base.dkimKeys[0]!));
  assert.equal(byId['dkim:rls2026111']!.strings!.length, 2);
  assert.match(byId['dkim:rls2026111']!.zoneFile, /^rls2026111\._domainkey\.example\.test\. 3600 IN TXT "v=DKIM1; k=rsa; p=[^"]+" "[^"]+"$/);
  assert.deepEqual(
    { ...byId.spf, purpose: undefined, strings: undefined },
    { ...byId.spf, purpose: undefined, strings: undefined, name: 'example.test', value: 'v=spf1 include:_spf.relais.test ~all', action: 'create' },
  );
  assert.equal(byId['return-path']!.zoneFile, 'rp.example.test. 3600 IN CNAME bounces.relais.test.');
  assert.equal(byId.dmarc!.value, 'v=DMARC1; p=none; rua=mailto:dmarc@reports.relais.test');
  assert.equal(byId.dmarc!.name, '_dmarc.example.test');
  assert.equal(byId.tracking!.name, 'track.example.test');
  assert.deepEqual(
    plan.operatorRecords.map((r) => [r.name, r.value]),
    [
      ['_spf.relais.test', 'v=spf1 ip4:192.0.2.10 ip6:2001:db8::10 -all'],
      ['example.test._report._dmarc.reports.relais.test', 'v=DMARC1'],
    ],
  );
});

test('existing SPF is merged and existing DMARC kept', () => {
  const plan = planDomainRecords({ ...base, existingSpf: ['v=spf1 include:_spf.google.com -all'], existingDmarc: ['v=DMARC1; p=reject'] });
  const spf = plan.records.find((r) => r.id === 'spf')!;
  assert.equal(spf.value, 'v=spf1 include:_spf.relais.test include:_spf.google.com -all');
  assert.equal(spf.action, 'replace');
  assert.deepEqual(spf.replaces, ['v=spf1 include:_spf.google.com -all']);
  const dmarc = plan.records.find((r) => r.id === 'dmarc')!;
  assert.equal(dmarc.action, 'none');
  assert.equal(plan.operatorRecords.length, 1, 'no report authorisation needed when the tenant keeps its own DMARC');
});

test('lookupExistingRecords reads SPF and (organizational) DMARC, flags temporary failures', async () => {
  const r = new MemoryResolver({
    'news.example.test': { TXT: ['v=spf1 mx -all', 'other'] },
    '_dmarc.example.test': { TXT: ['v=DMARC1; p=quarantine'] },
  });
  assert.deepEqual(await lookupExistingRecords('news.example.test', r), {
    spf: ['v=spf1 mx -all'],
    dmarc: ['v=DMARC1; p=quarantine'],
    dmarcName: '_dmarc.example.test',
    temporary: false,
  });
  r.fail('news.example.test', 'TXT', 'servfail');
  assert.equal((await lookupExistingRecords('news.example.test', r)).temporary, true);
});
