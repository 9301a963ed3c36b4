// Delivery by MX (no static route): DNS answers from a MemoryResolver, the MX port pointed
// at the test receiver; null MX and NXDOMAIN bounce; MTA-STS enforce filters MX hosts and
// demands valid TLS, testing mode only reports.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freshSqlite, type TestStore } from '../../test/support/stores.ts';
import { MemoryResolver } from '../dns/memory-resolver.ts';
import type { EventsTable } from '../store/schema.ts';
import { createTenant } from '../store/tenants-repo.ts';
import { DeliveryLoop } from './delivery-loop.ts';
import { memoryMtaStsCache } from './policy/mta-sts.ts';
import { enqueue } from './testing/enqueue.ts';
import { type Receiver, startReceiver } from './testing/receiver.ts';

let rx: Receiver;
let ts: TestStore;
let loop: DeliveryLoop;
let tenant: number;
const events: EventsTable[] = [];
const policies: Record<string, string> = {
  'enforced-elsewhere.test': 'version: STSv1\nmode: enforce\nmx: mx.other-provider.test\nmax_age: 86400\n',
  'enforced.test': 'version: STSv1\nmode: enforce\nmx: mx.enforced.test\nmax_age: 86400\n',
  'testing.test': 'version: STSv1\nmode: testing\nmx: mx.other-provider.test\nmax_age: 86400\n',
};

before(async () => {
  rx = await startReceiver();
  ts = await freshSqlite();
  tenant = (await createTenant(ts.store, 'Acme')).id;
  const dns = new MemoryResolver({
    'plain.test': { MX: ['10 mx.plain.test'] },
    'mx.plain.test': { A: ['127.0.0.1'] },
    'nullmx.test': { MX: ['0 .'] },
    'enforced-elsewhere.test': { MX: ['10 mx.enforced-elsewhere.test'] },
    'mx.enforced-elsewhere.test': { A: ['127.0.0.1'] },
    '_mta-sts.enforced-elsewhere.test': { TXT: ['v=STSv1; id=20261129'] },
    'enforced.test': { MX: ['10 mx.enforced.test'] },
    'mx.enforced.test': { A: ['127.0.0.1'] },
    '_mta-sts.enforced.test': { TXT: ['v=STSv1; id=20261129'] },
    'testing.test': { MX: ['10 mx.testing.test'] },
    'mx.testing.test': { A: ['127.0.0.1'] },
    '_mta-sts.testing.test': { TXT: ['v=STSv1; id=20261129'] },
  });
  loop = new DeliveryLoop({
    store: ts.store,
    resolver: dns,
    hostname: 'relais.test',
    mxPort: rx.port,
    pollMs: 100,
    onEvent: (e) => events.push(e),
    mtaSts: {
      resolveTxt: (n) => dns.txt(n),
      fetch: async (url) => {
        const domain = /^https:\/\/mta-sts\.([^/]+)\//.exec(url)![1];
        const body = policies[domain];
        return { status: body ? 200 : 404, headers: { get: () => 'text/plain' }, text: async () => body ?? '' };
      },
      cache: memoryMtaStsCache(),
    },
  });
  await loop.start();
});

after(async () => {
  await loop.stop();
  await rx.close();
  await ts.dispose();
});

async function outcome(recipient: string): Promise<{ status: string; data: any }> {
  const end = Date.now() + 10_000;
  while (Date.now() < end) {
    const e = events.find((x) => x.recipient === recipient);
    if (e) return { status: e.type, data: JSON.parse(e.data) };
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no outcome for ${recipient}`);
}

test('MX delivery, null MX bounce, NXDOMAIN bounce, MTA-STS enforce and testing', async () => {
  await enqueue(ts.store, {
    tenantId: tenant,
    recipients: ['a@plain.test', 'b@nullmx.test', 'c@nowhere.test', 'd@enforced-elsewhere.test', 'e@enforced.test', 'f@testing.test'],
  });
  loop.wake();
  const a = await outcome('a@plain.test');
  assert.equal(a.status, 'delivery');
  assert.equal(a.data.mx, 'mx.plain.test');
  assert.equal(a.data.site, 'mx.plain.test', 'unknown provider: the MX set is the site');
  const b = await outcome('b@nullmx.test');
  assert.equal(b.status, 'bounce');
  assert.match(b.data.reply, /null MX/);
  const c = await outcome('c@nowhere.test');
  assert.equal(c.status, 'bounce');
  const d = await outcome('d@enforced-elsewhere.test');
  assert.equal(d.status, 'deferral', 'enforce policy with no matching MX: never deliver in the clear');
  assert.equal(d.data.error, 'mta-sts-mx-mismatch');
  const e = await outcome('e@enforced.test');
  assert.equal(e.status, 'deferral', 'enforce policy: the receiver offers no STARTTLS, so no delivery');
  assert.match(e.data.error, /^tls-/);
  const f = await outcome('f@testing.test');
  assert.equal(f.status, 'delivery', 'testing mode only reports');
  assert.deepEqual(rx.messages.map((m) => m.to[0]).sort(), ['a@plain.test', 'f@testing.test']);
});
