// The whole path on a real node (role mta): operator API declares the IP and pool, the
// tenant sends over HTTP, the loop signs (DKIM) and delivers from the egress IP; the
// signature is checked by Debian's dkimverify when installed.
import '../runtime/extensions.ts';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestNode, type TestNode } from '../../test/support/node.ts';
import { type DnsServer, startDnsServer } from '../../test/support/dns-server.ts';
import { dkimRecordName, dkimRecordStrings, generateDkimKey } from '../auth/dkim-keys.ts';
import { createDkimSigner } from '../auth/dkim-signer.ts';
import { dkimverifyMissing, runDkimverify } from '../auth/testing/dkimverify.ts';
import { deliverySeams } from './delivery-extension.ts';
import { type Receiver, startReceiver } from './testing/receiver.ts';

const key = generateDkimKey('rsa-sha256');
let n: TestNode;
let rx: Receiver;
let dns: DnsServer;

before(async () => {
  rx = await startReceiver();
  dns = await startDnsServer({ zones: { 'acme.example': { [dkimRecordName('rls1', 'acme.example')]: { TXT: [dkimRecordStrings(key)] } } } });
  const signer = createDkimSigner([{ domain: 'acme.example', selector: 'rls1', algorithm: 'rsa-sha256', privateKey: key.privateKeyPem }]);
  deliverySeams.signerFor = (domain) => (domain === 'acme.example' ? signer : undefined);
  n = await startTestNode({ roles: 'api,smtp,mta', env: { RELAIS_ROUTES: `example.net=127.0.0.1:${rx.port}` } });
});

after(async () => {
  await n.stop();
  await rx.close();
  await dns.stop();
  deliverySeams.signerFor = undefined;
});

const adminFetch = (path: string, method = 'GET', body?: unknown) =>
  fetch(`${n.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${n.node.adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

test('admin API declares IPs and pools; a sent message leaves from the pool IP, DKIM-signed, and reads back as sent', async (t) => {
  assert.equal((await adminFetch('/v1/admin/ips', 'POST', { ip: '127.0.0.2', helo: 'out2.relais.test', ptr: 'out2.relais.test' })).status, 201);
  assert.equal((await adminFetch('/v1/admin/ips', 'POST', { ip: 'nope', helo: 'x.relais.test' })).status, 400);
  const pool = await adminFetch('/v1/admin/pools', 'POST', { name: 'tx', stream: 'transactional', ips: ['127.0.0.2'] });
  assert.equal(pool.status, 201);
  const pools = (await (await adminFetch('/v1/admin/pools')).json()) as { data: { name: string; ips: string[] }[] };
  assert.deepEqual(pools.data.map((p) => [p.name, p.ips]), [['tx', ['127.0.0.2']]]);
  assert.equal((await adminFetch('/v1/admin/ips/127.0.0.2')).status, 200);
  assert.equal((await fetch(`${n.url}/v1/admin/ips`)).status, 401, 'bearer token required');

  const res = await fetch(`${n.url}/v3.1/send`, {
    method: 'POST',
    headers: { authorization: n.basic, 'content-type': 'application/json' },
    body: JSON.stringify({ Messages: [{ From: { Email: 'news@acme.example' }, To: [{ Email: 'alice@example.net' }], Subject: 'Your order', TextPart: 'Shipped.' }] }),
  });
  assert.equal(res.status, 200);
  const id = ((await res.json()) as any).Messages[0].To[0].MessageID as number;
  const end = Date.now() + 10_000;
  while (rx.messages.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
  assert.equal(rx.messages.length, 1);
  const m = rx.messages[0];
  assert.equal(m.peer, '127.0.0.2');
  assert.equal(m.helo, 'out2.relais.test');
  assert.deepEqual(m.to, ['alice@example.net']);
  assert.match(m.from, /@bounces\.relais\.test$/, 'VERP return path as MAIL FROM');
  assert.match(m.raw.toString(), /^DKIM-Signature: .*d=acme\.example/m);
  assert.match(m.raw.toString(), /^Subject: Your order/m);

  let view: any;
  while (Date.now() < end) {
    view = await (await fetch(`${n.url}/v1/messages/${id}`, { headers: { authorization: n.basic } })).json();
    if (view.status === 'sent' && view.events.length === 2) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.equal(view.status, 'sent');
  assert.deepEqual(view.events.map((e: any) => e.type), ['reception', 'delivery']);
  assert.equal(view.events[1].data.egress_ip, '127.0.0.2');

  const q = (await (await adminFetch('/v1/admin/queues')).json()) as any;
  assert.equal(q.counts.sent, 1);
  assert.ok(q.delivery.stats.sent >= 1);
  // Accepted by this node: delivered from memory, never claimed from the queue table.
  assert.equal(q.delivery.stats.adopted, 1);
  assert.equal(q.delivery.stats.claimed, 0);
  assert.deepEqual(q.scheduled, []);
  const site = `route:127.0.0.1:${rx.port}`;
  const paused = await adminFetch('/v1/admin/queues/pause', 'POST', { ip: '127.0.0.2', site, minutes: 5 });
  assert.equal(paused.status, 200);
  const auto = (await (await adminFetch('/v1/admin/automation')).json()) as any;
  assert.deepEqual(auto.data.map((r: any) => [r.rule, r.ip, r.site]), [['operator-pause', '127.0.0.2', site]]);
  assert.equal((await adminFetch('/v1/admin/queues/pause', 'POST', { ip: '127.0.0.2' })).status, 400);

  const missing = dkimverifyMissing();
  if (missing) {
    t.skip(missing);
    return;
  }
  const v = await runDkimverify(m.raw, dns);
  assert.ok(v.ok, `dkimverify: ${v.output}`);
});

test('routes through the admin API', async () => {
  assert.equal((await adminFetch('/v1/admin/routes', 'POST', { domain: 'example.org', target: `127.0.0.1:${rx.port}` })).status, 201);
  const list = (await (await adminFetch('/v1/admin/routes')).json()) as { data: { domain: string }[] };
  assert.deepEqual(list.data.map((r) => r.domain), ['example.org']);
  assert.equal((await adminFetch('/v1/admin/routes/example.org', 'DELETE')).status, 204);
  assert.equal((await adminFetch('/v1/admin/routes/example.org', 'DELETE')).status, 404);
});
