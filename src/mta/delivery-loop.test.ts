import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type TestStore, freshPostgres, freshSqlite, PG_SKIP_REASON, PG_URL } from '../../test/support/stores.ts';
import { MemoryResolver } from '../dns/memory-resolver.ts';
import type { Store } from '../store/database.ts';
import { addEgressIp, addPoolMembers, addRoute, createPool } from '../store/egress-repo.ts';
import type { EventsTable } from '../store/schema.ts';
import { createTenant } from '../store/tenants-repo.ts';
import { DeliveryLoop, type DeliveryOptions } from './delivery-loop.ts';
import type { AutomationRecord } from './policy/automation-engine.ts';
import { createShaping, type ShapingSpec } from './policy/shaping.ts';
import { enqueue } from './testing/enqueue.ts';
import { type Receiver, startReceiver } from './testing/receiver.ts';

const FAST_RETRY: ShapingSpec = { retry: { initialDelay: '1s', factor: 1, maxDelay: '1s', jitter: 0 }, connectionRate: '1000/s', messageRate: '1000/s' };

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`timed out waiting for ${what}`);
}

async function statuses(store: Store): Promise<Record<string, number>> {
  const rows = await store.db.selectFrom('messages').select('status').execute();
  const out: Record<string, number> = {};
  for (const r of rows) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

interface Harness {
  store: Store;
  rx: Receiver;
  loop: DeliveryLoop;
  events: EventsTable[];
  automation: AutomationRecord[];
  tenant: number;
}

async function harness(
  ts: TestStore,
  opts: { site?: ShapingSpec; rx?: Parameters<typeof startReceiver>[0]; loop?: Partial<DeliveryOptions>; setup?: (store: Store, port: number) => Promise<void> } = {},
): Promise<Harness & { stop(): Promise<void> }> {
  const store = ts.store;
  const rx = await startReceiver(opts.rx);
  const tenant = (await createTenant(store, 'Acme')).id;
  await addRoute(store, 'example.net', `127.0.0.1:${rx.port}`);
  if (opts.setup) await opts.setup(store, rx.port);
  const events: EventsTable[] = [];
  const automation: AutomationRecord[] = [];
  const site = `route:127.0.0.1:${rx.port}`;
  const loop = new DeliveryLoop({
    store,
    resolver: new MemoryResolver({}),
    hostname: 'relais.test',
    shaping: createShaping({ default: FAST_RETRY, sites: opts.site ? { [site]: opts.site } : {} }),
    pollMs: 100,
    onEvent: (e) => events.push(e),
    onAutomation: (r) => automation.push(r),
    ...opts.loop,
  });
  await loop.start();
  return {
    store, rx, loop, events, automation, tenant,
    async stop() {
      await loop.stop();
      await rx.close();
      await ts.dispose();
    },
  };
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  test(`delivers over a static route from the pool's egress IP with its HELO [${dialect}]`, async (t) => {
    if (dialect === 'postgres' && !PG_URL) return t.skip(PG_SKIP_REASON);
    const h = await harness(dialect === 'sqlite' ? await freshSqlite() : await freshPostgres(), {
      setup: async (store) => {
        await addEgressIp(store, { ip: '127.0.0.2', helo: 'out2.relais.test' });
        await createPool(store, { name: 'tx', stream: 'transactional' });
        await addPoolMembers(store, 'tx', ['127.0.0.2']);
      },
    });
    try {
      await enqueue(h.store, { tenantId: h.tenant, recipients: ['a@example.net', 'b@example.net', 'c@example.net'] });
      h.loop.wake();
      await waitFor('3 sent', async () => (await statuses(h.store)).sent === 3);
      assert.equal(h.rx.messages.length, 3);
      assert.deepEqual(new Set(h.rx.messages.map((m) => m.peer)), new Set(['127.0.0.2']));
      assert.deepEqual(new Set(h.rx.messages.map((m) => m.helo)), new Set(['out2.relais.test']));
      assert.deepEqual(h.rx.messages.map((m) => m.to[0]).sort(), ['a@example.net', 'b@example.net', 'c@example.net']);
      await waitFor('events stored', async () => (await h.store.db.selectFrom('events').select('id').where('type', '=', 'delivery').execute()).length === 3);
      const ev = JSON.parse((await h.store.db.selectFrom('events').selectAll().where('type', '=', 'delivery').executeTakeFirstOrThrow()).data);
      assert.equal(ev.egress_ip, '127.0.0.2');
      assert.equal(ev.mx, '127.0.0.1');
      assert.equal(ev.code, 250);
      assert.match(ev.reply, /^250 /);
      const rows = await h.store.db.selectFrom('messages').selectAll().execute();
      assert.ok(rows.every((r) => r.egress_ip === '127.0.0.2' && r.lease_owner === null && Number(r.attempts) === 1));
    } finally {
      await h.stop();
    }
  });
}

test('dedicated-pool tenants arrive only from their IPs; others only from the shared pool', async () => {
  let dedicatedTenant = 0;
  const h = await harness(await freshSqlite(), {
    setup: async (store) => {
      for (let n = 2; n <= 9; n++) await addEgressIp(store, { ip: `127.0.0.${n}`, helo: `out${n}.relais.test` });
      dedicatedTenant = (await createTenant(store, 'Big Sender')).id;
      await createPool(store, { name: 'big', tenantId: dedicatedTenant });
      await addPoolMembers(store, 'big', ['127.0.0.3', '127.0.0.4']);
      await createPool(store, { name: 'shared-tx', stream: 'transactional' });
      await addPoolMembers(store, 'shared-tx', ['127.0.0.5', '127.0.0.6']);
      await createPool(store, { name: 'shared-mkt', stream: 'marketing' });
      await addPoolMembers(store, 'shared-mkt', ['127.0.0.7', '127.0.0.8', '127.0.0.9']);
    },
  });
  try {
    const rcpts = (p: string) => Array.from({ length: 20 }, (_, i) => `${p}${i}@example.net`);
    await enqueue(h.store, { tenantId: dedicatedTenant, recipients: rcpts('big-tx'), stream: 'transactional' });
    await enqueue(h.store, { tenantId: dedicatedTenant, recipients: rcpts('big-mkt'), stream: 'marketing' });
    await enqueue(h.store, { tenantId: h.tenant, recipients: rcpts('small-tx'), stream: 'transactional' });
    await enqueue(h.store, { tenantId: h.tenant, recipients: rcpts('small-mkt'), stream: 'marketing' });
    h.loop.wake();
    await waitFor('80 delivered', () => h.rx.messages.length === 80);
    const peers = (prefix: string) => new Set(h.rx.messages.filter((m) => m.to[0].startsWith(prefix)).map((m) => m.peer));
    const sub = (a: Set<string>, b: string[]) => [...a].every((x) => b.includes(x));
    assert.ok(sub(peers('big-'), ['127.0.0.3', '127.0.0.4']), `dedicated tenant used ${[...peers('big-')]}`);
    assert.equal(peers('big-').size, 2, 'weighted choice spreads over both dedicated IPs');
    assert.ok(sub(peers('small-tx'), ['127.0.0.5', '127.0.0.6']), `shared tx used ${[...peers('small-tx')]}`);
    assert.ok(sub(peers('small-mkt'), ['127.0.0.7', '127.0.0.8', '127.0.0.9']), `shared marketing used ${[...peers('small-mkt')]}`);
    for (const m of h.rx.messages) assert.equal(m.helo, `out${m.peer.split('.')[3]}.relais.test`);
  } finally {
    await h.stop();
  }
});

test('never more concurrent connections per egress IP than the site allows; reuse up to the per-connection limit', async () => {
  const h = await harness(await freshSqlite(), {
    site: { maxConnections: 2, maxMessagesPerConnection: 3 },
    rx: { dataDelayMs: 20 },
    setup: async (store) => {
      await addEgressIp(store, { ip: '127.0.0.2', helo: 'out2.relais.test' });
    },
  });
  try {
    await enqueue(h.store, { tenantId: h.tenant, recipients: Array.from({ length: 30 }, (_, i) => `r${i}@example.net`) });
    h.loop.wake();
    await waitFor('30 delivered', () => h.rx.messages.length === 30);
    assert.equal(h.rx.maxConcurrent.get('127.0.0.2'), 2, 'two connections at once, never three');
    assert.ok(h.rx.connections >= 10 && h.rx.connections <= 12, `3 messages per connection: ${h.rx.connections} connections`);
  } finally {
    await h.stop();
  }
});

test('4xx defers with backoff and the retry delivers; 5xx bounces with a classified reason', async () => {
  const seen = new Map<string, number>();
  const h = await harness(await freshSqlite(), {
    rx: {
      rcpt: ({ to }) => {
        const n = (seen.get(to!) ?? 0) + 1;
        seen.set(to!, n);
        if (to!.startsWith('grey') && n === 1) return '450 4.2.0 Greylisted, please try again later';
        if (to!.startsWith('unknown')) return '550 5.1.1 The email account that you tried to reach does not exist';
        if (to!.startsWith('full')) return '552 5.2.2 Mailbox full';
        return undefined;
      },
    },
  });
  try {
    await enqueue(h.store, { tenantId: h.tenant, recipients: ['grey@example.net', 'unknown@example.net', 'full@example.net', 'ok@example.net'] });
    h.loop.wake();
    await waitFor('all final', async () => {
      const s = await statuses(h.store);
      return s.sent === 2 && s.bounced === 2;
    });
    const byType = (type: string) => h.events.filter((e) => e.type === type).map((e) => ({ to: e.recipient, ...JSON.parse(e.data) }));
    const deferral = byType('deferral');
    assert.equal(deferral.length, 1);
    assert.equal(deferral[0].to, 'grey@example.net');
    assert.equal(deferral[0].code, 450);
    assert.ok(Date.parse(deferral[0].retry_at) - h.events.find((e) => e.type === 'deferral')!.created_at >= 900, 'backoff of about the 1 s schedule');
    const bounces = byType('bounce');
    assert.deepEqual(bounces.map((b) => b.to).sort(), ['full@example.net', 'unknown@example.net']);
    const unknown = bounces.find((b) => b.to === 'unknown@example.net')!;
    assert.equal(unknown.enhanced, '5.1.1');
    assert.equal(unknown.hard, true);
    const full = bounces.find((b) => b.to === 'full@example.net')!;
    assert.notEqual(full.reason, unknown.reason, `552 mailbox full is not "${unknown.reason}"`);
    const grey = await h.store.db.selectFrom('messages').selectAll().where('recipient', '=', 'grey@example.net').executeTakeFirstOrThrow();
    assert.equal(Number(grey.attempts), 2);
    assert.equal(seen.get('grey@example.net'), 2);
  } finally {
    await h.stop();
  }
});

test('expiry: a message past its deadline expires instead of being retried', async () => {
  const h = await harness(await freshSqlite(), { rx: { rcpt: () => '451 4.3.0 Temporary local problem' } });
  try {
    // One 451 for a message with 1.5 s to live: the next retry would be too late.
    await enqueue(h.store, { tenantId: h.tenant, recipients: ['late@example.net'], maxAgeMs: 1500 });
    // One already past its deadline when claimed: no attempt at all.
    await enqueue(h.store, { tenantId: h.tenant, recipients: ['stale@example.net'], maxAgeMs: 1, now: Date.now() - 10 });
    h.loop.wake();
    await waitFor('2 expired', async () => (await statuses(h.store)).expired === 2);
    const exp = h.events.filter((e) => e.type === 'expiration');
    assert.deepEqual(exp.map((e) => e.recipient).sort(), ['late@example.net', 'stale@example.net']);
    assert.equal(h.rx.refused.filter((r) => r.to === 'stale@example.net').length, 0, 'stale message never attempted');
    assert.equal(JSON.parse(exp.find((e) => e.recipient === 'late@example.net')!.data).last_reply.slice(0, 3), '451');
  } finally {
    await h.stop();
  }
});

test('connection refused defers every waiting message of the path', async () => {
  const h = await harness(await freshSqlite(), { setup: (store) => addRoute(store, 'down.example', '127.0.0.1:1').then(() => {}) });
  try {
    await enqueue(h.store, { tenantId: h.tenant, recipients: ['a@down.example', 'b@down.example'] });
    h.loop.wake();
    await waitFor('2 deferred', async () => (await statuses(h.store)).deferred === 2);
    const d = h.events.filter((e) => e.type === 'deferral').map((e) => JSON.parse(e.data));
    assert.ok(d.every((x) => x.error === 'connection-refused'), JSON.stringify(d));
  } finally {
    await h.stop();
  }
});

test("automation: a TSS04-style reply slows the path to 1 message a minute on 1 connection", async () => {
  let first = true;
  const h = await harness(await freshSqlite(), {
    rx: {
      rcpt: ({ peer }) => {
        if (!first) return undefined;
        first = false;
        return `421 [TSS04] Messages from ${peer} temporarily deferred due to unexpected volume or user complaints`;
      },
    },
    site: { maxConnections: 1 },
    setup: async (store) => {
      await addEgressIp(store, { ip: '127.0.0.2', helo: 'out2.relais.test' });
    },
  });
  try {
    await enqueue(h.store, { tenantId: h.tenant, recipients: Array.from({ length: 10 }, (_, i) => `r${i}@example.net`) });
    h.loop.wake();
    await waitFor('automation triggered', () => h.automation.length > 0).catch((e) => {
      console.log(h.events.map((x) => x.data));
      throw e;
    });
    assert.equal(h.automation[0].rule, 'any-ip-deferred');
    assert.equal(h.automation[0].ip, '127.0.0.2');
    await new Promise((r) => setTimeout(r, 2000));
    assert.ok(h.rx.messages.length <= 2, `${h.rx.messages.length} delivered within 2 s of a 1/min adjustment`);
    const audit = await h.store.db.selectFrom('audit_log').selectAll().where('actor', '=', 'automation').execute();
    assert.ok(audit.some((a) => a.action === 'any-ip-deferred'), 'trigger recorded');
  } finally {
    await h.stop();
  }
});

test("an operator pause hands the site's messages back until it ends, without attempts", async () => {
  const h = await harness(await freshSqlite(), {});
  try {
    const until = Date.now() + 2000;
    await h.loop.pause('default', `route:127.0.0.1:${h.rx.port}`, until);
    await enqueue(h.store, { tenantId: h.tenant, recipients: ['a@example.net', 'b@example.net'] });
    h.loop.wake();
    await waitFor('handed back', () => h.loop.stats.released === 2);
    const rows = await h.store.db.selectFrom('messages').selectAll().execute();
    assert.ok(rows.every((r) => r.status === 'queued' && Number(r.attempts) === 0 && Number(r.next_attempt_at) === until && r.lease_owner === null));
    assert.equal(h.rx.connections, 0);
    // When the window ends, delivery resumes by itself.
    await waitFor('resumed', () => h.rx.messages.length === 2, 10_000);
    assert.ok(Date.now() >= until);
  } finally {
    await h.stop();
  }
});

test('STARTTLS is used when offered (opportunistic) and the event records TLS version and cipher', async () => {
  const h = await harness(await freshSqlite(), { rx: { tls: true } });
  try {
    await enqueue(h.store, { tenantId: h.tenant, recipients: ['tls@example.net'] });
    h.loop.wake();
    await waitFor('delivered', () => h.rx.messages.length === 1);
    assert.equal(h.rx.messages[0].secure, true);
    await waitFor('event', () => h.events.some((e) => e.type === 'delivery'));
    const ev = JSON.parse(h.events.find((e) => e.type === 'delivery')!.data);
    assert.match(ev.tls.version, /^TLSv1\.[23]$/);
    assert.ok(ev.tls.cipher.length > 0);
  } finally {
    await h.stop();
  }
});

test("a suspended tenant's mail waits in the queue; other tenants flow", async () => {
  let suspended = 0;
  const h = await harness(await freshSqlite(), {
    setup: async (store) => {
      suspended = (await createTenant(store, 'Abuser')).id;
      await store.db.updateTable('tenants').set({ status: 'suspended' }).where('id', '=', suspended).execute();
    },
  });
  try {
    await enqueue(h.store, { tenantId: suspended, recipients: ['held@example.net'] });
    await enqueue(h.store, { tenantId: h.tenant, recipients: ['fine@example.net'] });
    h.loop.wake();
    await waitFor('fine delivered', () => h.rx.messages.length === 1);
    await waitFor('held handed back', () => h.loop.stats.released >= 1);
    assert.deepEqual(h.rx.messages.map((m) => m.to[0]), ['fine@example.net']);
    const held = await h.store.db.selectFrom('messages').selectAll().where('recipient', '=', 'held@example.net').executeTakeFirstOrThrow();
    assert.equal(held.status, 'queued');
    assert.equal(Number(held.attempts), 0);
  } finally {
    await h.stop();
  }
});

test('a dropped connection and a receiver slower than the command timeout both defer', async () => {
  const h = await harness(await freshSqlite(), {
    rx: { dropAtRcpt: ({ to }) => to.startsWith('drop'), dataDelayMs: 0 },
    loop: { socketTimeoutMs: 400, dataTimeoutMs: 600 },
  });
  // Slower with its final reply than even the (longer) wait after the content.
  const slow = await startReceiver({ dataDelayMs: 1500 });
  try {
    await addRoute(h.store, 'slow.example', `127.0.0.1:${slow.port}`);
    h.loop.invalidateTopology();
    await new Promise((r) => setTimeout(r, 200));
    await enqueue(h.store, { tenantId: h.tenant, recipients: ['drop@example.net', 'x@slow.example'] });
    h.loop.wake();
    await waitFor('2 deferred', async () => (await statuses(h.store)).deferred === 2);
    const d = new Map(h.events.filter((e) => e.type === 'deferral').map((e) => [e.recipient, JSON.parse(e.data)]));
    assert.equal(d.get('drop@example.net').error, 'connection-reset');
    assert.equal(d.get('x@slow.example').error, 'command-timeout');
  } finally {
    await h.stop();
    await slow.close();
  }
});

test('TLS policy "required": a receiver without STARTTLS gets nothing, the message defers', async () => {
  const h = await harness(await freshSqlite(), { site: { tls: 'required' } });
  try {
    await enqueue(h.store, { tenantId: h.tenant, recipients: ['secret@example.net'] });
    h.loop.wake();
    await waitFor('deferred', async () => (await statuses(h.store)).deferred === 1);
    assert.equal(h.rx.messages.length, 0);
    assert.match(JSON.parse(h.events.find((e) => e.type === 'deferral')!.data).error, /^tls-/);
  } finally {
    await h.stop();
  }
});

test('applyAutomation: a suspension decided elsewhere sends the messages waiting in memory back at once, and is held once', async () => {
  const h = await harness(await freshSqlite(), { site: { maxConnections: 1, maxMessagesPerConnection: 100 }, rx: { dataDelayMs: 4000 } });
  try {
    await enqueue(h.store, { tenantId: h.tenant, recipients: ['a@example.net', 'b@example.net', 'c@example.net', 'd@example.net', 'e@example.net'] });
    h.loop.wake();
    await waitFor('the first delivery', () => h.rx.messages.length >= 1);
    const site = `route:127.0.0.1:${h.rx.port}`;
    const now = Date.now();
    const rec: AutomationRecord = { rule: 'remote-node', ip: 'default', site, action: { kind: 'suspend-site-for-ip' }, from: now, until: now + 600_000, sampleReply: '421 4.7.28 from another node' };
    h.loop.applyAutomation([rec]);
    h.loop.applyAutomation([{ ...rec }]);
    assert.equal(h.loop.automation!.all().filter((r) => r.rule === 'remote-node').length, 1);
    const released = async () => {
      const rows = await h.store.db.selectFrom('messages').select(['next_attempt_at', 'lease_owner']).where('status', '=', 'queued').execute();
      return rows.filter((r) => r.lease_owner === null && Number(r.next_attempt_at) >= now + 590_000).length;
    };
    // Back in the scheduled queue until the suspension ends, without waiting for a worker.
    // One message is in flight (the receiver answers after 4 s) and one is announced behind
    // it (pipelined); those waiting in the queue go back now, not when the connection is free.
    await waitFor('waiting messages released', async () => (await released()) >= 2, 2500);
    assert.ok(h.rx.messages.length <= 2, 'only the message in flight went on');
  } finally {
    await h.stop();
  }
});

test('applyAutomation with a tenant suspension: that tenant\'s waiting messages go back, other tenants\' go on', async () => {
  const h = await harness(await freshSqlite(), { site: { maxConnections: 1, maxMessagesPerConnection: 100 }, rx: { dataDelayMs: 300 } });
  try {
    const other = (await createTenant(h.store, 'Other')).id;
    await enqueue(h.store, { tenantId: h.tenant, recipients: ['a1@example.net', 'a2@example.net', 'a3@example.net', 'a4@example.net'] });
    await enqueue(h.store, { tenantId: other, recipients: ['o1@example.net', 'o2@example.net'] });
    h.loop.wake();
    await waitFor('the first delivery', () => h.rx.messages.length >= 1);
    const site = `route:127.0.0.1:${h.rx.port}`;
    const now = Date.now();
    h.loop.applyAutomation([{ rule: 'remote-tenant', ip: 'default', site, tenant: String(h.tenant), action: { kind: 'suspend-tenant' }, from: now, until: now + 600_000, sampleReply: '550 5.7.1 complaints' }]);
    await waitFor('the other tenant delivered', () => h.rx.messages.filter((m) => m.to[0]!.startsWith('o')).length === 2);
    await new Promise((r) => setTimeout(r, 400));
    const acme = h.rx.messages.filter((m) => m.to[0]!.startsWith('a')).length;
    assert.ok(acme <= 2, `at most the message in flight of the suspended tenant went on (${acme})`);
    const held = await h.store.db.selectFrom('messages').select(['next_attempt_at', 'lease_owner']).where('tenant_id', '=', h.tenant).where('status', '=', 'queued').execute();
    assert.ok(held.length >= 2 && held.every((r) => r.lease_owner === null && Number(r.next_attempt_at) >= now + 590_000), JSON.stringify(held));
  } finally {
    await h.stop();
  }
});

test('stop() cuts sends still waiting at its deadline and records them, leaving no lease behind', async () => {
  const ts = await freshSqlite();
  const h = await harness(ts, { rx: { dataDelayMs: 60_000 }, loop: { stopTimeoutMs: 300 } });
  await enqueue(h.store, { tenantId: h.tenant, recipients: ['slow@example.net'] });
  h.loop.wake();
  await waitFor('the message on the wire', () => h.rx.connections >= 1);
  await new Promise((r) => setTimeout(r, 200));
  const t0 = Date.now();
  await h.loop.stop();
  assert.ok(Date.now() - t0 < 5000, `stop took ${Date.now() - t0} ms`);
  const row = await h.store.db.selectFrom('messages').select(['status', 'lease_owner', 'attempts']).executeTakeFirstOrThrow();
  assert.equal(row.status, 'deferred');
  assert.equal(row.lease_owner, null);
  await h.rx.close();
  await ts.dispose();
});

/** A loop whose only route (example.net) leads to a line-scripted raw peer. */
async function rawPeerLoop(script: import('./testing/raw-smtp-peer.ts').PeerScript) {
  const { startRawPeer } = await import('./testing/raw-smtp-peer.ts');
  const peer = await startRawPeer(script);
  const ts = await freshSqlite();
  const tenant = (await createTenant(ts.store, 'Acme')).id;
  const events: EventsTable[] = [];
  const loop = new DeliveryLoop({ store: ts.store, resolver: new MemoryResolver({}), hostname: 'relais.test', routes: [`example.net=127.0.0.1:${peer.port}`], pollMs: 50, onEvent: (e) => events.push(e) });
  await loop.start();
  /** One message per recipient (separate bodies), queued together, then one wake. */
  const send = async (...to: string[]) => {
    for (const r of to) await enqueue(ts.store, { tenantId: tenant, recipients: [r] });
    loop.wake();
  };
  return {
    peer, events, loop, send,
    async dispose() {
      await loop.stop();
      await peer.close();
      await ts.dispose();
    },
  };
}

test('opportunistic TLS whose handshake fails: the message goes in plain text on a new connection', async () => {
  const h = await rawPeerLoop({
    extensions: ['PIPELINING', 'STARTTLS', '8BITMIME'],
    onCommand: (line, s) => {
      if (line === 'STARTTLS') {
        s.write('220 2.0.0 ready\r\n');
        setTimeout(() => s.socket.end('this is not TLS\r\n'), 10);
        return undefined;
      }
      return line.startsWith('DATA') ? ['354 go'] : ['250 ok'];
    },
  });
  try {
    await h.send('x@example.net');
    await waitFor('delivery', () => h.events.some((e) => e.type === 'delivery'));
    assert.equal(h.peer.sessions.length, 2, 'one failed TLS attempt, then plain text');
    assert.equal(h.peer.sessions[1]!.contents.length, 1);
    assert.equal(h.peer.sessions[1]!.lines.includes('STARTTLS'), false);
  } finally {
    await h.dispose();
  }
});

test('a connection the server closed while idle is not charged to the next message: it goes on a new one', async () => {
  // The server hangs up 100 ms after each accepted message (an idle timeout).
  const h = await rawPeerLoop({
    onContent: (_text, s) => {
      setTimeout(() => s.socket.end('421 4.4.2 idle timeout\r\n'), 100);
      return '250 2.0.0 queued';
    },
  });
  try {
    await h.send('one@example.net');
    await waitFor('first delivery', () => h.events.filter((e) => e.type === 'delivery').length === 1);
    await new Promise((r) => setTimeout(r, 400)); // the server has hung up; the worker still waits for work
    await h.send('two@example.net');
    await waitFor('second delivery', () => h.events.filter((e) => e.type === 'delivery').length === 2);
    assert.deepEqual(h.events.map((e) => e.type), ['delivery', 'delivery'], 'no deferral in between');
    assert.equal(h.peer.sessions.length, 2);
  } finally {
    await h.dispose();
  }
});

test('on one connection each message after the first was announced with the content before it, and each arrives once', async () => {
  const h = await rawPeerLoop({});
  try {
    await h.send('m1@example.net', 'm2@example.net', 'm3@example.net', 'm4@example.net', 'm5@example.net');
    await waitFor('5 deliveries', () => h.events.filter((e) => e.type === 'delivery').length === 5);
    const s = h.peer.sessions;
    const contents = s.flatMap((x) => x.contents);
    assert.equal(contents.length, 5, 'each message once');
    const mails = s.flatMap((x) => x.lines).filter((l) => l.startsWith('MAIL'));
    assert.equal(mails.length, 5, 'no envelope sent twice');
    const announcedWrites = s.flatMap((x) => x.chunks).filter((c) => /\r\n\.\r\nMAIL FROM:/.test(c.toString())).length;
    assert.ok(announcedWrites >= 3, `content and next envelope in one write ${announcedWrites} times`);
  } finally {
    await h.dispose();
  }
});
