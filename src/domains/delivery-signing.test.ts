// The whole path on a real node (roles api, smtp, mta) with the gate on: the tenant adds and
// verifies a domain over HTTP by publishing what Relais shows in a real DNS server, sends,
// and the delivery loop signs with the domain's key through signerFor (the MTA seam); an
// independent verifier (mailauth) fetches the key from the same DNS server.
import '../runtime/extensions.ts';
import assert from 'node:assert/strict';
import { Resolver as CaresResolver } from 'node:dns/promises';
import { after, before, test } from 'node:test';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { type DnsServer, startDnsServer } from '../../test/support/dns-server.ts';
import { startTestNode, type TestNode } from '../../test/support/node.ts';
import { type Receiver, startReceiver } from '../mta/testing/receiver.ts';

let n: TestNode;
let rx: Receiver;
let dns: DnsServer;

before(async () => {
  rx = await startReceiver();
  dns = await startDnsServer({
    zones: { 'relais.test': { bounces: { MX: ['10 mx.relais.test'] }, mx: { A: ['192.0.2.20'] } }, 'signed.test': { '@': { MX: ['10 mx.relais.test'] } } },
  });
  n = await startTestNode({
    roles: 'api,smtp,mta',
    env: { RELAIS_ROUTES: `example.net=127.0.0.1:${rx.port}`, RELAIS_DNS_SERVERS: dns.server, RELAIS_REQUIRE_VERIFIED_DOMAINS: 'true' },
  });
});
after(async () => {
  await n?.stop();
  await rx?.close();
  await dns?.stop();
});

const call = async (path: string, body?: unknown, auth = n.basic) => {
  const r = await fetch(`${n.url}${path}`, { method: body === undefined ? 'GET' : 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as any };
};

test('verified over HTTP, then mail leaves DKIM-signed with the domain key and verifies', async () => {
  const admin = `Bearer ${n.node.adminToken}`;
  assert.equal((await call('/v1/admin/ips', { ip: '127.0.0.2', helo: 'out2.relais.test' }, admin)).status, 201);
  assert.equal((await call('/v1/admin/pools', { name: 'tx', stream: 'transactional', ips: ['127.0.0.2'] }, admin)).status, 201);

  const d = (await call('/v1/domains', { name: 'signed.test' })).body;
  for (const r of [...d.records, ...d.operator_records.filter((x: any) => x.id === 'operator-spf')]) {
    if (r.type === 'CNAME') dns.set(r.name, 'CNAME', r.value);
    else dns.set(r.name, 'TXT', [r.strings]);
  }
  const checked = (await call(`/v1/domains/${d.id}/check`, {})).body;
  assert.equal(checked.check.status, 'verified', JSON.stringify(checked.check.records.map((r: any) => [r.id, r.verdict, r.explanation])));

  const sent = await call('/v3.1/send', { Messages: [{ From: { Email: 'news@signed.test' }, To: [{ Email: 'alice@example.net' }], Subject: 'Signed', TextPart: 'Hello.' }] });
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  const end = Date.now() + 10_000;
  while (rx.messages.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
  assert.equal(rx.messages.length, 1);
  const raw = rx.messages[0]!.raw;
  const selector = d.keys[0].selector as string;
  assert.match(raw.toString(), new RegExp(`^DKIM-Signature: [^]*d=signed\\.test[^]*s=${selector}`, 'm'));

  const cares = new CaresResolver({ timeout: 500, tries: 1 });
  cares.setServers([dns.server]);
  const v = await dkimVerify(raw, { resolver: (name: string, type: string) => cares.resolve(name, type) as Promise<string[][]> });
  assert.deepEqual(
    v.results.map((r: any) => [r.signingDomain, r.selector, r.status.result]),
    [['signed.test', selector, 'pass']],
  );
});
