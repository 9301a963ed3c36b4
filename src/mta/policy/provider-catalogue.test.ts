import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  compileProviders,
  matchProvider,
  PROVIDERS,
  providerById,
  providerForDomain,
} from './provider-catalogue.ts';
import type { Provider } from './provider-types.ts';
import { patternMatches, validateProviders } from './provider-validate.ts';

test('the catalogue validates', () => {
  assert.deepEqual(validateProviders(PROVIDERS), []);
});

test('the catalogue covers at least 60 providers, including the European set', () => {
  assert.ok(PROVIDERS.length >= 60, `only ${PROVIDERS.length} providers`);
  const required = [
    'google', 'microsoft-consumer', 'microsoft-365', 'yahoo', 'apple', 'gmx', 'web-de', 't-online', 'freenet',
    'ionos', 'orange', 'free', 'sfr', 'laposte', 'ziggo', 'kpn', 'telenet', 'proximus', 'libero', 'virgilio',
    'seznam', 'wp', 'onet', 'interia', 'yandex', 'mail-ru', 'zoho', 'proton', 'fastmail', 'posteo',
    'mailbox-org', 'tuta', 'telia', 'telenor', 'swisscom', 'a1', 'tim', 'tiscali', 'aruba', 'mimecast',
    'proofpoint', 'barracuda',
  ];
  for (const id of required) assert.ok(providerById(id), `missing provider ${id}`);
  const european = PROVIDERS.filter((p) => p.region !== 'global' && !['US', 'CN', 'AU', 'NZ'].includes(p.region));
  assert.ok(european.length >= 35, `only ${european.length} European providers`);
});

test('every example MX host resolves to its own provider through the compiled index', () => {
  for (const p of PROVIDERS) {
    for (const { example } of p.mx) {
      assert.equal(matchProvider([example])?.id, p.id, example);
      assert.equal(matchProvider([`${example.toUpperCase()}.`])?.id, p.id, 'case and trailing dot are ignored');
    }
  }
});

test('matchProvider: table', () => {
  const cases: [string[], string | undefined][] = [
    [['alt1.gmail-smtp-in.l.google.com'], 'google'],
    [['aspmx.l.google.com', 'alt1.aspmx.l.google.com'], 'google'],
    [['smtp.google.com'], 'google'],
    [['google.com'], undefined], // a wildcard never matches the bare suffix
    [['mail.evilgoogle.com'], undefined], // nor a look-alike that merely ends with the text
    [['outlook-com.olc.protection.outlook.com'], 'microsoft-consumer'],
    [['contoso-com.mail.protection.outlook.com'], 'microsoft-365'],
    [['mx-aol.mail.gm0.yahoodns.net'], 'yahoo'],
    [['mx01.emig.gmx.net'], 'gmx'],
    [['mx-ha02.web.de'], 'web-de'],
    [['mx03.t-online.de'], 't-online'],
    [['smtp-in2.orange.fr'], 'orange'],
    [['mx.example.org', 'mx00.ionos.de'], 'ionos'], // the first MX that matches decides
    [['d123456b.ess.barracudanetworks.com', 'x-com.mail.protection.outlook.com'], 'barracuda'],
    [['mx.example.org'], undefined],
    [[], undefined],
  ];
  for (const [hosts, want] of cases) assert.equal(matchProvider(hosts)?.id, want, hosts.join(','));
});

test('providerForDomain finds consumer domains before any DNS lookup', () => {
  assert.equal(providerForDomain('GMAIL.com')?.id, 'google');
  assert.equal(providerForDomain('wanadoo.fr')?.id, 'orange');
  assert.equal(providerForDomain('op.pl')?.id, 'onet');
  assert.equal(providerForDomain('example.org'), undefined);
});

test('the validator rejects bad entries', () => {
  const good: Provider = {
    id: 'acme',
    name: 'Acme',
    region: 'DE',
    kind: 'mailbox',
    mx: [{ pattern: '*.acme.example', example: 'mx1.acme.example' }],
    domains: ['acme.example'],
  };
  assert.deepEqual(validateProviders([good]), []);
  const bad: [Partial<Provider>, RegExp][] = [
    [{ id: 'Acme Mail' }, /id must be/],
    [{ region: 'Germany' }, /region/],
    [{ mx: [] }, /no MX patterns/],
    [{ mx: [{ pattern: '*.acme.example', example: 'mx1.other.example' }] }, /does not match its pattern/],
    [{ mx: [{ pattern: '*.acme..example', example: 'mx1.acme.example' }] }, /invalid MX pattern/],
    [{ mx: [{ pattern: '*.acme.example', example: 'acme.example' }] }, /does not match/],
    [{ domains: ['Not A Domain'] }, /invalid domain/],
    [{ seed: { imapHost: 'imap.acme.example', port: 99999 } }, /seed port/],
  ];
  for (const [patch, want] of bad) {
    const errors = validateProviders([{ ...good, ...patch }]);
    assert.ok(errors.some((e) => want.test(e)), `${JSON.stringify(patch)} -> ${errors.join('; ')}`);
  }
  // two providers whose patterns overlap, duplicate ids, a domain claimed twice
  const overlap = { ...good, id: 'acme-two', mx: [{ pattern: '*.example', example: 'mx.acme-two.example' }], domains: [] };
  assert.ok(validateProviders([good, overlap]).some((e) => /also matched by acme-two/.test(e)));
  assert.ok(validateProviders([good, good]).some((e) => /duplicate id/.test(e)));
  assert.ok(validateProviders([good, { ...good, id: 'acme-2', mx: [{ pattern: 'mx.b.example', example: 'mx.b.example' }] }]).some((e) => /already belongs/.test(e)));
  assert.throws(() => compileProviders([good, { ...good, id: 'acme-3' }]), /claimed by acme and acme-3/);
});

test('patternMatches: exact and wildcard semantics', () => {
  assert.equal(patternMatches('smtpin.rzone.de', 'smtpin.rzone.de'), true);
  assert.equal(patternMatches('smtpin.rzone.de', 'x.smtpin.rzone.de'), false);
  assert.equal(patternMatches('*.rzone.de', 'a.b.rzone.de'), true);
  assert.equal(patternMatches('*.rzone.de', 'rzone.de'), false);
  assert.equal(patternMatches('*.rzone.de', 'xrzone.de'), false);
});

test('matching is fast: a million lookups well under a second', () => {
  const hosts = PROVIDERS.flatMap((p) => p.mx.map((m) => m.example)).concat(['mx.unknown-domain.example']);
  const t0 = performance.now();
  let n = 0;
  for (let i = 0; i < 1_000_000; i++) if (matchProvider([hosts[i % hosts.length]!])) n++;
  const ms = performance.now() - t0;
  assert.ok(n > 900_000);
  assert.ok(ms < 3000, `1M lookups took ${ms.toFixed(0)} ms`);
});
