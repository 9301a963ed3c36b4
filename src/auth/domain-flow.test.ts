// From nothing to a verified domain by following Relais's own instructions: plan, publish
// exactly what the plan says in a real DNS server, check. Then a rotation that signs with
// the new key only once it is in DNS, verified by an independent verifier.
import assert from 'node:assert/strict';
import { Resolver as CaresResolver } from 'node:dns/promises';
import { after, before, test } from 'node:test';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { type DnsServer, startDnsServer } from '../../test/support/dns-server.ts';
import { createDnsResolver } from '../dns/node-resolver.ts';
import { generateDkimKey, nextSelector } from './dkim-keys.ts';
import { applyRotation, decideRotation, type RotationKey, signingKeys } from './dkim-rotation.ts';
import { createDkimSigner } from './dkim-signer.ts';
import { checkDomain } from './domain-check.ts';
import { normalizeDomain } from './domain-name.ts';
import { lookupExistingRecords, type PlannedRecord, planDomainRecords } from './domain-plan.ts';

let dns: DnsServer;
const operator = { spfInclude: '_spf.relais.test', returnPathHost: 'bounces.relais.test', trackingHost: 'click.relais.test', dmarcRua: 'dmarc@relais.test' };
const egressIps = ['192.0.2.10', '192.0.2.11'];

before(async () => {
  dns = await startDnsServer({
    zones: {
      'relais.test': { bounces: { MX: ['10 mx.relais.test'] }, mx: { A: ['192.0.2.20'] }, click: { A: ['192.0.2.21'] } },
      // The tenant's zone already has mail (MX) and an SPF record for another provider.
      'xn--bcher-kva.test': { '@': { MX: ['10 mx.relais.test'], TXT: ['v=spf1 include:_spf.other.test -all'] } },
      'other.test': { _spf: { TXT: ['v=spf1 ip4:198.51.100.0/24 -all'] } },
    },
  });
});
after(() => dns.stop());

const resolver = () => createDnsResolver({ servers: [dns.server], timeoutMs: 500, tries: 1, cache: false });

/** What a tenant does with a planned record in a DNS panel. */
function publish(r: PlannedRecord): void {
  if (r.action === 'none') return;
  if (r.type === 'CNAME') dns.set(r.name, 'CNAME', r.value);
  else dns.set(r.name, 'TXT', [r.strings!]);
}

test('IDN domain: plan, publish as instructed (merging SPF), verified', async () => {
  const domain = normalizeDomain('Bücher.test').ascii;
  const key = generateDkimKey();
  const selector = nextSelector([], new Date());
  const existing = await lookupExistingRecords(domain, resolver());
  assert.equal(existing.temporary, false);
  const plan = planDomainRecords({ domain, dkimKeys: [{ selector, algorithm: 'rsa-sha256', publicKey: key.publicKey }], egressIps, existingSpf: existing.spf, existingDmarc: existing.dmarc, ...operator });
  const keys = [{ selector, algorithm: 'rsa-sha256' as const, publicKey: key.publicKey }];
  const input = { domain, resolver: resolver(), dkimKeys: keys, egressIps, ...operator };

  const beforeCheck = await checkDomain(input);
  assert.equal(beforeCheck.status, 'failed');

  // SPF is an edit of the existing record (the set below replaces it, like a panel's edit).
  const spf = plan.records.find((r) => r.id === 'spf')!;
  assert.equal(spf.action, 'replace');
  for (const r of plan.records) publish(r);
  for (const r of plan.operatorRecords) if (r.id === 'operator-spf') publish(r);
  dns.set(domain, 'TXT', [spf.value]);

  const afterCheck = await checkDomain(input);
  assert.equal(afterCheck.status, 'verified', afterCheck.records.map((r) => `${r.id}: ${r.verdict} ${r.explanation}`).join('\n'));
  assert.ok(afterCheck.records.every((r) => r.verdict === 'pass'));
  // The other provider still passes too: the merge kept its include.
  assert.match(spf.value, /include:_spf\.other\.test/);
});

test('rotation: the new key signs only after it is found in DNS; old signatures keep verifying during the overlap', async () => {
  const domain = 'xn--bcher-kva.test';
  const oldKey = generateDkimKey();
  const newKey = generateDkimKey();
  const oldSel = 'rls2026011';
  const newSel = 'rls2026071';
  dns.set(`${oldSel}._domainkey.${domain}`, 'TXT', [planDomainRecords({ domain, dkimKeys: [{ selector: oldSel, algorithm: 'rsa-sha256', publicKey: oldKey.publicKey }], ...operator }).records[0]!.strings!]);
  const material = new Map([
    [oldSel, oldKey],
    [newSel, newKey],
  ]);
  let keys: RotationKey[] = [{ selector: oldSel, algorithm: 'rsa-sha256', state: 'active', createdAt: 0, activatedAt: 0, inDns: true }];
  const cares = new CaresResolver({ timeout: 500, tries: 1 });
  cares.setServers([dns.server]);
  const verifyWith = async (msg: Buffer) => (await dkimVerify(msg, { resolver: (n: string, t: string) => cares.resolve(n, t) as Promise<string[][]> })).results.map((r) => r.status.result);
  const message = Buffer.from(`From: a@${domain}\r\nTo: b@example.test\r\nSubject: hi\r\n\r\nhello\r\n`);

  const refresh = async (now: number, rotateNow: Array<'rsa-sha256'> = []) => {
    const check = await checkDomain({
      domain,
      resolver: resolver(),
      dkimKeys: keys.filter((k) => k.state !== 'retired').map((k) => ({ selector: k.selector, algorithm: k.algorithm, publicKey: material.get(k.selector)!.publicKey, required: k.state === 'active' })),
      egressIps,
      ...operator,
    });
    keys = keys.map((k) => {
      const c = check.records.find((r) => r.id === `dkim:${k.selector}`);
      return c ? { ...k, inDns: c.verdict === 'pass' ? true : c.verdict === 'temporary-error' ? 'unknown' : false } : k;
    });
    const actions = decideRotation({ keys, now, rotateNow });
    const fresh: RotationKey[] = actions.some((a) => a.type === 'publish-new') ? [{ selector: newSel, algorithm: 'rsa-sha256', state: 'pending', createdAt: now, inDns: 'unknown' }] : [];
    keys = applyRotation(keys, actions, now, fresh);
    const signers = signingKeys(keys);
    const sign = createDkimSigner(signers.map((k) => ({ domain, selector: k.selector, algorithm: k.algorithm, privateKey: material.get(k.selector)!.privateKeyPem })));
    return { signers: signers.map((k) => k.selector), signed: sign(message) };
  };

  const DAY = 86_400_000;
  const s1 = await refresh(1 * DAY, ['rsa-sha256']);
  assert.deepEqual(s1.signers, [oldSel], 'new key generated but not yet published: old key signs');
  const s2 = await refresh(2 * DAY);
  assert.deepEqual(s2.signers, [oldSel], 'still not published');
  dns.set(`${newSel}._domainkey.${domain}`, 'TXT', [planDomainRecords({ domain, dkimKeys: [{ selector: newSel, algorithm: 'rsa-sha256', publicKey: newKey.publicKey }], ...operator }).records[0]!.strings!]);
  const s3 = await refresh(3 * DAY);
  assert.deepEqual(s3.signers, [newSel], 'published and found: switch');
  assert.deepEqual(await verifyWith(s3.signed), ['pass']);
  assert.deepEqual(await verifyWith(s1.signed), ['pass'], 'mail signed with the old key still verifies during the overlap');
  await refresh(11 * DAY);
  assert.equal(keys.find((k) => k.selector === oldSel)?.state, 'retired');
});
