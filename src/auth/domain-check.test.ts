// checkDomain against a real DNS server on loopback, one zone per scenario.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type DnsServer, type NodeRecords, startDnsServer } from '../../test/support/dns-server.ts';
import { createDnsResolver } from '../dns/node-resolver.ts';
import type { RecordCheck } from './check-types.ts';
import { dkimRecordStrings, dkimRecordText, generateDkimKey } from './dkim-keys.ts';
import { checkDomain, type DomainCheckInput, diffDomainChecks } from './domain-check.ts';

const key = generateDkimKey('rsa-sha256');
const edKey = generateDkimKey('ed25519-sha256');
const otherKey = generateDkimKey('rsa-sha256');
const SEL = 'rls2026111';
const EGRESS = ['192.0.2.10', '192.0.2.11'];
const SPF_OK = 'v=spf1 include:_spf.relais.test ~all';

/** A correctly set-up tenant zone; overrides replace (or with undefined, remove) names. */
function tenantZone(overrides: Record<string, NodeRecords | undefined> = {}): Record<string, NodeRecords> {
  const zone: Record<string, NodeRecords | undefined> = {
    '@': { TXT: [SPF_OK, 'google-site-verification=abc'], MX: ['10 mail.provider.test'] },
    [`${SEL}._domainkey`]: { TXT: [dkimRecordStrings(key)] },
    rp: { CNAME: 'bounces.relais.test' },
    _dmarc: { TXT: ['v=DMARC1; p=none; rua=mailto:dmarc@relais.test'] },
    track: { CNAME: 'click.relais.test' },
    ...overrides,
  };
  return Object.fromEntries(Object.entries(zone).filter(([, v]) => v !== undefined)) as Record<string, NodeRecords>;
}

let dns: DnsServer;
before(async () => {
  const manyIncludes = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`s${i}`, { TXT: [`v=spf1 ip4:198.51.100.${i} -all`] }]));
  dns = await startDnsServer({
    zones: {
      'relais.test': {
        _spf: { TXT: [`v=spf1 ip4:${EGRESS[0]} ip4:${EGRESS[1]} -all`] },
        bounces: { MX: ['10 mx.relais.test'], A: ['192.0.2.20'], TXT: [`v=spf1 include:_spf.relais.test -all`] },
        mx: { A: ['192.0.2.21'] },
        click: { A: ['192.0.2.22'] },
        [`${SEL}._domainkey`]: { TXT: [dkimRecordStrings(key)] },
      },
      'provider.test': { mail: { A: ['192.0.2.30'] } },
      'good.test': tenantZone({ [`rle2026111._domainkey`]: { TXT: [dkimRecordStrings(edKey)] } }),
      'oddsplit.test': tenantZone({ [`${SEL}._domainkey`]: { TXT: [[dkimRecordText(key).slice(0, 20), dkimRecordText(key).slice(20, 200), dkimRecordText(key).slice(200)]] } }),
      'spf-missing.test': tenantZone({ '@': { TXT: ['some-other=txt'], MX: ['10 mail.provider.test'] } }),
      'spf-dup.test': tenantZone({ '@': { TXT: ['v=spf1 mx -all', SPF_OK], MX: ['10 mail.provider.test'] } }),
      'spf-many.test': tenantZone({
        '@': { TXT: [`v=spf1 ${Object.keys(manyIncludes).map((s) => `include:${s}.spf-many.test`).join(' ')} include:_spf.relais.test -all`] },
        ...manyIncludes,
      }),
      'spf-all.test': tenantZone({ '@': { TXT: ['v=spf1 +all'], MX: ['10 mail.provider.test'] } }),
      'spf-partial.test': tenantZone({ '@': { TXT: [`v=spf1 ip4:${EGRESS[0]} -all`], MX: ['10 mail.provider.test'] } }),
      'dkim-missing.test': tenantZone({ [`${SEL}._domainkey`]: undefined }),
      'dkim-wrong.test': tenantZone({ [`${SEL}._domainkey`]: { TXT: [dkimRecordStrings(otherKey)] } }),
      'dkim-cut.test': tenantZone({ [`${SEL}._domainkey`]: { TXT: [[dkimRecordStrings(key)[0]!]] } }),
      'dkim-quoted.test': tenantZone({ [`${SEL}._domainkey`]: { TXT: [`"${dkimRecordText(key).slice(0, 200)}" "${dkimRecordText(key).slice(200)}"`] } }),
      'dmarc-missing.test': tenantZone({ _dmarc: undefined }),
      'dmarc-invalid.test': tenantZone({ _dmarc: { TXT: ['v=DMARC1; p=maybe; pct=150'] } }),
      'strict.test': tenantZone({ _dmarc: { TXT: ['v=DMARC1; p=reject; adkim=s; aspf=s'] } }),
      'loop.test': tenantZone({
        rp: { CNAME: 'a.loop.test' },
        a: { CNAME: 'rp.loop.test' },
        [`${SEL}._domainkey`]: { CNAME: `k.loop.test` },
        k: { CNAME: `${SEL}._domainkey.loop.test` },
      }),
      'broken.test': tenantZone(),
      'hostile.test': tenantZone({
        '@': {
          TXT: [
            `v=spf1 ${'x'.repeat(3000)}`,
            Array.from({ length: 60 }, (_, i) => `junk${i}`),
            [Buffer.from([0, 1, 2, 27, 91, 50, 74, 255, 254])],
          ],
        },
        [`${SEL}._domainkey`]: { TXT: [[Buffer.from('v=DKIM1; p=\x00\x1b[31m'), Buffer.alloc(200, 0xff)]] },
      }),
    },
  });
});
after(() => dns.stop());

function input(domain: string, extra: Partial<DomainCheckInput> = {}): DomainCheckInput {
  return {
    domain,
    resolver: createDnsResolver({ servers: [dns.server], timeoutMs: 300, tries: 1, cache: false }),
    dkimKeys: [{ selector: SEL, algorithm: 'rsa-sha256', publicKey: key.publicKey }],
    egressIps: EGRESS,
    spfInclude: '_spf.relais.test',
    returnPathHost: 'bounces.relais.test',
    trackingHost: 'click.relais.test',
    dmarcRua: 'dmarc@relais.test',
    ...extra,
  };
}

const rec = (r: { records: RecordCheck[] }, id: string) => r.records.find((x) => x.id === id)!;

test('a correctly set-up domain is verified, every record passing', async () => {
  const r = await checkDomain(input('good.test', { dkimKeys: [{ selector: SEL, algorithm: 'rsa-sha256', publicKey: key.publicKey }, { selector: 'rle2026111', algorithm: 'ed25519-sha256', publicKey: edKey.publicKey }] }));
  assert.equal(r.status, 'verified', r.summary);
  for (const x of r.records) assert.equal(x.verdict, 'pass', `${x.id}: ${x.explanation}`);
  assert.deepEqual(rec(r, 'spf').found, [SPF_OK]);
  assert.match(rec(r, 'dkim:rls2026111').explanation, /2 strings/);
  assert.match(rec(r, 'dmarc').explanation, /p=none/);
});

test('a DKIM key split into strings at odd places still matches', async () => {
  const r = await checkDomain(input('oddsplit.test'));
  assert.equal(rec(r, 'dkim:rls2026111').verdict, 'pass');
});

test('SPF missing, duplicated, over 10 lookups, +all, not covering an egress IP', async () => {
  const missing = rec(await checkDomain(input('spf-missing.test')), 'spf');
  assert.equal(missing.verdict, 'fail');
  assert.deepEqual(missing.problems, ['missing']);
  assert.match(missing.explanation, /Publish this single SPF record at spf-missing\.test: v=spf1 include:_spf\.relais\.test ~all/);

  const dup = await checkDomain(input('spf-dup.test'));
  assert.equal(dup.status, 'failed');
  assert.deepEqual(rec(dup, 'spf').problems, ['duplicate']);
  assert.equal(rec(dup, 'spf').expected, 'v=spf1 mx include:_spf.relais.test -all');
  assert.match(rec(dup, 'spf').explanation, /2 SPF records/);

  const many = rec(await checkDomain(input('spf-many.test')), 'spf');
  assert.ok(many.problems.includes('too-many-lookups'), many.explanation);
  assert.match(many.explanation, /12 DNS lookups/);
  assert.doesNotMatch(many.explanation, /permerror|add include/);

  const all = rec(await checkDomain(input('spf-all.test')), 'spf');
  assert.deepEqual(all.problems, ['pass-all']);
  assert.match(all.explanation, /anyone on the internet/);
  assert.equal(all.expected, 'v=spf1 include:_spf.relais.test ~all');

  const partial = rec(await checkDomain(input('spf-partial.test')), 'spf');
  assert.deepEqual(partial.problems, ['ip-not-covered']);
  assert.match(partial.explanation, /192\.0\.2\.11 \(fail\)/);
  assert.doesNotMatch(partial.explanation, /192\.0\.2\.10 \(/);
  assert.equal(partial.expected, `v=spf1 include:_spf.relais.test ip4:${EGRESS[0]} -all`);
});

test('DKIM missing, wrong key, truncated, quoted', async () => {
  const cases: Array<[string, string, RegExp]> = [
    ['dkim-missing.test', 'missing', /No DKIM key is published/],
    ['dkim-wrong.test', 'wrong-key', /different key/],
    ['dkim-cut.test', 'truncated', /cut off after \d+ of \d+ characters/],
    ['dkim-quoted.test', 'quoted', /quote characters/],
  ];
  for (const [domain, code, why] of cases) {
    const r = await checkDomain(input(domain));
    const d = rec(r, 'dkim:rls2026111');
    assert.equal(r.status, 'failed', domain);
    assert.deepEqual(d.problems, [code], `${domain}: ${d.explanation}`);
    assert.match(d.explanation, why);
    assert.match(d.explanation, /Publish a TXT record at rls2026111\._domainkey\./);
  }
});

test('DMARC missing, invalid, misaligned', async () => {
  const missing = rec(await checkDomain(input('dmarc-missing.test')), 'dmarc');
  assert.deepEqual(missing.problems, ['missing']);
  assert.equal(missing.expected, 'v=DMARC1; p=none; rua=mailto:dmarc@relais.test');

  const invalid = rec(await checkDomain(input('dmarc-invalid.test')), 'dmarc');
  assert.deepEqual(invalid.problems, ['invalid']);
  assert.match(invalid.explanation, /p=maybe is not a policy/);
  assert.match(invalid.explanation, /pct=150/);

  // Signing with the operator's domain under strict alignment: neither identity aligns.
  const mis = await checkDomain(input('strict.test', { signingDomain: 'relais.test' }));
  assert.deepEqual(rec(mis, 'dmarc').problems, ['misaligned']);
  assert.match(rec(mis, 'dmarc').explanation, /d=relais\.test/);
  assert.equal(mis.status, 'failed');
  // The same record with our own d= aligns (SPF via rp.strict.test does not, under aspf=s).
  const ok = rec(await checkDomain(input('strict.test')), 'dmarc');
  assert.equal(ok.verdict, 'pass', ok.explanation);
  assert.match(ok.explanation, /not aligned under aspf=s/);
});

test('CNAME loops are named as such', async () => {
  const r = await checkDomain(input('loop.test'));
  assert.deepEqual(rec(r, 'return-path').problems, ['cname-loop']);
  assert.match(rec(r, 'return-path').explanation, /rp\.loop\.test → a\.loop\.test → rp\.loop\.test/);
  assert.deepEqual(rec(r, 'dkim:rls2026111').problems, ['cname-loop']);
});

test('SERVFAIL and timeouts give "unknown", never "not set up"', async () => {
  dns.fail('broken.test', 'TXT', 'SERVFAIL');
  dns.fail(`${SEL}._domainkey.broken.test`, '*', 'TIMEOUT');
  dns.fail('_dmarc.broken.test', 'TXT', 'REFUSED');
  try {
    const r = await checkDomain(input('broken.test'));
    assert.equal(r.status, 'unknown', r.summary);
    for (const id of ['spf', 'dkim:rls2026111', 'dmarc']) {
      const x = rec(r, id);
      assert.equal(x.verdict, 'temporary-error', `${id}: ${x.explanation}`);
      assert.doesNotMatch(x.explanation, /not set up|no SPF|No DKIM|no DMARC/);
      assert.match(x.explanation, /temporary/);
    }
    assert.match(rec(r, 'spf').explanation, /SERVFAIL/);
    assert.match(rec(r, 'dkim:rls2026111').explanation, /timed out/);
    assert.equal(rec(r, 'return-path').verdict, 'pass');
    // A re-check that fails temporarily reports no change against a verified one.
    const good = await checkDomain(input('good.test'));
    assert.deepEqual(
      diffDomainChecks({ ...good, records: good.records.map((x) => (x.id === 'spf' ? { ...x, id: 'spf' } : x)) }, { ...r, domain: 'good.test' }).filter((c) => c.id === 'spf'),
      [],
    );
  } finally {
    dns.clearFailures();
  }
  const healed = await checkDomain(input('broken.test'));
  assert.equal(healed.status, 'verified', healed.summary);
});

test('a temporary failure on the included record is temporary too', async () => {
  dns.fail('_spf.relais.test', 'TXT', 'SERVFAIL');
  try {
    const r = await checkDomain(input('good.test'));
    assert.equal(rec(r, 'spf').verdict, 'temporary-error', rec(r, 'spf').explanation);
    assert.equal(r.status, 'unknown');
  } finally {
    dns.clearFailures();
  }
});

test('hostile TXT records (huge, binary, many strings) are handled and shown safely', async () => {
  const r = await checkDomain(input('hostile.test'));
  assert.equal(r.status, 'failed');
  const spf = rec(r, 'spf');
  assert.equal(spf.verdict, 'fail');
  const dkim = rec(r, 'dkim:rls2026111');
  assert.equal(dkim.verdict, 'fail');
  for (const x of r.records) {
    for (const f of x.found) {
      assert.ok(f.length < 1200, `${x.id} shows ${f.length} characters`);
      assert.doesNotMatch(f, /[\x00-\x1f\x7f-\uffff]/, `${x.id} shows control or binary characters`);
    }
    assert.doesNotMatch(x.explanation, /[\x00-\x08\x1b]/);
  }
});

test('changes between checks are reported for the periodic re-check event', async () => {
  const before = await checkDomain(input('dkim-missing.test'));
  dns.set(`${SEL}._domainkey.dkim-missing.test`, 'TXT', [dkimRecordStrings(key)]);
  try {
    const after = await checkDomain(input('dkim-missing.test'));
    assert.equal(after.status, 'verified');
    assert.deepEqual(diffDomainChecks(before, after), [{ id: 'dkim:rls2026111', from: 'fail', to: 'pass' }]);
  } finally {
    dns.remove(`${SEL}._domainkey.dkim-missing.test`);
  }
});
