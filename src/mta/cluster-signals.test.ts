// Several nodes on one PostgreSQL hear each other through LISTEN/NOTIFY: new mail wakes an
// idle node at once, an automation trigger or an operator pause on one node holds the same
// ready queue on the others, a topology change reaches them before their 5 s refresh, and
// the listening connection survives being killed. Nodes run in this process on one schema.
import '../runtime/extensions.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { startTestNode, type TestNode } from '../../test/support/node.ts';
import { startDnsServer } from '../../test/support/dns-server.ts';
import { freshPostgres, PG_SKIP_REASON, PG_URL } from '../../test/support/stores.ts';
import { systemClock } from '../core/clock.ts';
import { MemoryResolver } from '../dns/memory-resolver.ts';
import { openStore, type Store } from '../store/database.ts';
import { addRoute } from '../store/egress-repo.ts';
import { scopedChannel } from '../store/pg-notify.ts';
import { createTenant } from '../store/tenants-repo.ts';
import { automationPayload, ClusterSignals, parseAutomationRecord, type SignalTarget } from './cluster-signals.ts';
import { DeliveryLoop } from './delivery-loop.ts';
import { clusterSignalsFor } from './delivery-extension.ts';
import { AutomationEngine, type AutomationRecord } from './policy/automation-engine.ts';
import { BUILTIN_AUTOMATION } from './policy/automation-rules.ts';
import { enqueue } from './testing/enqueue.ts';
import { startReceiver } from './testing/receiver.ts';

const GMAIL_4_7_28 =
  '421-4.7.28 [127.0.0.1      15] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. Please visit https://support.google.com/mail/?p=UnsolicitedRateLimitError to review our Bulk Email Senders Guidelines.';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A stand-in delivery loop: counts what the signals ask of it. */
function fakeLoop(): SignalTarget & { wakes: number; topology: number } {
  const engine = new AutomationEngine(BUILTIN_AUTOMATION, systemClock);
  return {
    wakes: 0,
    topology: 0,
    wake() {
      this.wakes++;
    },
    invalidateTopology() {
      this.topology++;
    },
    get automation() {
      return engine;
    },
  };
}

const pause = (over: Partial<AutomationRecord> = {}): AutomationRecord => ({
  rule: 'operator-pause', ip: 'default', site: 'google', action: { kind: 'suspend-site-for-ip' }, from: Date.now(), until: Date.now() + 3_600_000, sampleReply: 'paused by operator', ...over,
});

test('received automation records are checked field by field', () => {
  const good = pause();
  assert.deepEqual(parseAutomationRecord(JSON.parse(JSON.stringify(good))), good);
  assert.ok(parseAutomationRecord({ ...good, tenant: '7', action: { kind: 'reduce-rate', messageRate: '1/min' } }));
  const bad: [string, unknown][] = [
    ['null', null],
    ['a string', 'operator-pause'],
    ['rule missing', { ...good, rule: undefined }],
    ['until not a number', { ...good, until: '2026-01-01' }],
    ['from infinite', { ...good, from: null }],
    ['unknown action', { ...good, action: { kind: 'delete-everything' } }],
    ['action missing', { ...good, action: undefined }],
    ['connections zero', { ...good, action: { kind: 'reduce-connections', maxConnections: 0 } }],
    ['tenant a number', { ...good, tenant: 7 }],
  ];
  for (const [why, v] of bad) assert.equal(parseAutomationRecord(v), undefined, why);
});

test('an automation payload stays under the NOTIFY limit; channels are per schema', () => {
  const big = pause({ sampleReply: `421 ${'x'.repeat(20_000)}` });
  const s = automationPayload('node1', big);
  assert.ok(Buffer.byteLength(s) < 8000, `${Buffer.byteLength(s)} bytes`);
  const back = JSON.parse(s);
  assert.equal(back.n, 'node1');
  assert.equal(back.r.until, big.until);
  assert.equal(JSON.parse(automationPayload('n', pause())).r.sampleReply, 'paused by operator');
  assert.equal(scopedChannel('relais_spooled', 'public'), 'relais_spooled');
  assert.equal(scopedChannel('relais_spooled', 't_1'), 'relais_spooled.t_1');
  const long = scopedChannel('relais_automation', 's'.repeat(60));
  assert.ok(Buffer.byteLength(long) <= 63 && long.startsWith('relais_automation.'));
  assert.notEqual(long, scopedChannel('relais_automation', `${'s'.repeat(59)}t`));
});

test('a node without the mta role wakes an idle delivery node at once (NOTIFY after the spool commit)', async (t) => {
  if (!PG_URL) return t.skip(PG_SKIP_REASON);
  const rx = await startReceiver();
  const a = await startTestNode({ dialect: 'postgres', roles: 'api,smtp' });
  let storeB: Store | undefined;
  let loopB: DeliveryLoop | undefined;
  let sigB: ClusterSignals | undefined;
  try {
    assert.ok(clusterSignalsFor(a.node.store), 'the api/smtp node publishes');
    await addRoute(a.node.store, 'example.net', `127.0.0.1:${rx.port}`);
    storeB = await openStore(a.node.store.url);
    // Polls once a minute: only a notification can make it deliver within the test.
    loopB = new DeliveryLoop({ store: storeB, resolver: new MemoryResolver({}), hostname: 'relais.test', pollMs: 60_000, topologyRefreshMs: 60_000 });
    sigB = new ClusterSignals({ store: storeB });
    await loopB.start();
    await sigB.listen(loopB);
    await sleep(300); // the first claim pass (found nothing) is over; the next poll is a minute away
    for (let i = 0; i < 2; i++) {
      const sentAt = Date.now();
      const res = await fetch(`${a.url}/v3.1/send`, {
        method: 'POST',
        headers: { authorization: a.basic, 'content-type': 'application/json' },
        body: JSON.stringify({ Messages: [{ From: { Email: 'news@acme.example' }, To: [{ Email: `bob${i}@example.net` }], Subject: `Hello ${i}`, TextPart: 'Hi.' }] }),
      });
      assert.equal(res.status, 200);
      await until(`delivery ${i + 1} by node B`, () => rx.messages.length === i + 1, 2000);
      t.diagnostic(`message ${i + 1}: accepted on A -> delivered by B in ${Date.now() - sentAt} ms`);
    }
    // The receiver has the message before B has read its final reply and counted it.
    await until('B counted both', () => loopB!.stats.sent === 2, 2000);
    assert.ok(sigB.stats.wakes >= 2, `wakes ${sigB.stats.wakes}`);
  } finally {
    await sigB?.stop();
    await loopB?.stop();
    await storeB?.close();
    await a.stop();
    await rx.close();
  }
});

test('an automation trigger on one node (Gmail 421 4.7.28) holds that IP -> site on the other node too', async (t) => {
  if (!PG_URL) return t.skip(PG_SKIP_REASON);
  const rx = await startReceiver({ rcpt: () => GMAIL_4_7_28 });
  const ts = await freshPostgres();
  const storeB = await openStore(ts.store.url);
  const dns = () => new MemoryResolver({ 'customer.example': { MX: ['1 aspmx.l.google.com'] }, 'aspmx.l.google.com': { A: ['127.0.0.1'] } });
  const sigA = new ClusterSignals({ store: ts.store });
  const sigB = new ClusterSignals({ store: storeB });
  const triggeredOnA: AutomationRecord[] = [];
  const loopA = new DeliveryLoop({
    store: ts.store, resolver: dns(), hostname: 'relais.test', mxPort: rx.port, pollMs: 50,
    onAutomation: (r) => {
      triggeredOnA.push(r);
      sigA.automationTriggered(r);
    },
  });
  const loopB = new DeliveryLoop({ store: storeB, resolver: dns(), hostname: 'relais.test', mxPort: rx.port, pollMs: 60_000 });
  let aRunning = false;
  try {
    const tenant = (await createTenant(ts.store, 'Acme')).id;
    await loopB.start();
    await sigB.listen(loopB);
    await sleep(300); // B's first pass found nothing; it will not poll again during the test
    await sigA.start();
    await loopA.start();
    aRunning = true;
    await enqueue(ts.store, { tenantId: tenant, recipients: ['first@customer.example'] });
    await until('the trigger on A', () => triggeredOnA.some((r) => r.rule === 'google-ip-rate-limited'));
    // (the reply triggers two rules on A: the suspension and, after it, one connection)
    await until('the records on B', () => loopB.automation!.active('default', 'google').length === triggeredOnA.length);
    await sleep(100);
    const onB = loopB.automation!.active('default', 'google');
    const suspension = onB.find((r) => r.rule === 'google-ip-rate-limited')!;
    assert.equal(suspension.action.kind, 'suspend-site-for-ip');
    assert.equal(suspension.until, triggeredOnA.find((r) => r.rule === 'google-ip-rate-limited')!.until, 'the same record, not a fresh one');
    assert.ok(suspension.until - Date.now() > 10 * 60_000, 'suspended for the rule duration (15 min)');
    assert.equal(onB.length, triggeredOnA.length, 'each record installed once');
    assert.equal(loopA.automation!.active('default', 'google').length, triggeredOnA.length, 'A ignored its own notification');

    // A stops; new mail for Gmail reaches B, which must not connect while the suspension stands.
    await loopA.stop();
    aRunning = false;
    const connections = rx.connections;
    await enqueue(ts.store, { tenantId: tenant, recipients: ['a@customer.example', 'b@customer.example', 'c@customer.example'] });
    loopB.wake();
    await until('B holding the new mail', () => loopB.stats.released >= 3);
    await sleep(200);
    assert.equal(rx.connections, connections, 'B did not connect to the suspended site');
    assert.equal(loopB.stats.sent + loopB.stats.deferred, 0);
  } finally {
    await sigA.stop();
    await sigB.stop();
    if (aRunning) await loopA.stop();
    await loopB.stop();
    await storeB.close();
    await rx.close();
    await ts.dispose();
  }
});

test('an operator pause through the admin API of one node reaches the others once, even if heard twice', async (t) => {
  if (!PG_URL) return t.skip(PG_SKIP_REASON);
  const a = await startTestNode({ dialect: 'postgres', roles: 'api,mta' });
  const storeB = await openStore(a.node.store.url);
  const loopB = new DeliveryLoop({ store: storeB, resolver: new MemoryResolver({}), hostname: 'relais.test', pollMs: 60_000 });
  const sigB = new ClusterSignals({ store: storeB });
  try {
    await loopB.start();
    await sigB.listen(loopB);
    const res = await fetch(`${a.url}/v1/admin/queues/pause`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.node.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ip: 'default', site: 'google', minutes: 30, reason: 'ticket 42' }),
    });
    assert.equal(res.status, 200);
    await until('the pause on B', () => loopB.automation!.active('default', 'google').length > 0);
    const [rec] = loopB.automation!.active('default', 'google');
    assert.equal(rec.rule, 'operator-pause');
    assert.equal(rec.sampleReply, 'ticket 42');
    assert.ok(Math.abs(rec.until - (Date.now() + 30 * 60_000)) < 5000);
    // Heard again (another publisher, a reconnect's catch-up): installed once all the same.
    const sigA = clusterSignalsFor(a.node.store)!;
    const engineA = (await import('./delivery-extension.ts')).deliveryLoopFor(a.node.store)!.automation;
    await sigA.paused(engineA, 'default', 'google', rec.until);
    await until('the echo to arrive', () => sigB.stats.received >= 2);
    await sleep(50);
    assert.equal(loopB.automation!.all().length, 1);
    assert.equal(engineA!.all().length, 1, 'node A ignored its own notifications');
  } finally {
    await sigB.stop();
    await loopB.stop();
    await storeB.close();
    await a.stop();
  }
});

test('a route added through one node\'s admin API is used by the other node at once (relais_topology)', async (t) => {
  if (!PG_URL) return t.skip(PG_SKIP_REASON);
  const rx = await startReceiver();
  const dns = await startDnsServer({ zones: {} }); // knows nothing: without the route, example.net is undeliverable
  const a = await startTestNode({ dialect: 'postgres', roles: 'api,smtp' });
  let b: TestNode | undefined;
  try {
    b = await startTestNode({ roles: 'mta', env: { RELAIS_DATABASE_URL: a.node.store.url, RELAIS_DNS_SERVERS: dns.server } });
    const sigB = clusterSignalsFor(b.node.store)!;
    assert.ok(sigB.listener?.connected, 'the mta node listens');
    await sleep(200);
    const added = await fetch(`${a.url}/v1/admin/routes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.node.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ domain: 'example.net', target: `127.0.0.1:${rx.port}` }),
    });
    assert.equal(added.status, 201);
    const res = await fetch(`${a.url}/v3.1/send`, {
      method: 'POST',
      headers: { authorization: a.basic, 'content-type': 'application/json' },
      body: JSON.stringify({ Messages: [{ From: { Email: 'news@acme.example' }, To: [{ Email: 'carol@example.net' }], Subject: 'Routed', TextPart: 'Hi.' }] }),
    });
    assert.equal(res.status, 200);
    await until('delivery through the new route', () => rx.messages.length === 1, 3000);
    assert.deepEqual(rx.messages[0].to, ['carol@example.net']);
  } finally {
    await b?.stop();
    await a.stop();
    await dns.stop();
    await rx.close();
  }
});

test('the listening connection comes back after pg_terminate_backend, warns, and catches up on what it missed', async (t) => {
  if (!PG_URL) return t.skip(PG_SKIP_REASON);
  const ts = await freshPostgres();
  const storeB = await openStore(ts.store.url);
  const warnings: string[] = [];
  const sigA = new ClusterSignals({ store: ts.store });
  const sigB = new ClusterSignals({ store: storeB, onWarning: (m) => warnings.push(m), minBackoffMs: 400, maxBackoffMs: 2000, heartbeatMs: 100 });
  const target = fakeLoop();
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    await sigA.start();
    await sigB.listen(target);
    sigA.spooled(3);
    await until('a first wake', () => target.wakes === 1);
    const pid = sigB.listener!.pid!;
    const killed = await admin.query('select pg_terminate_backend($1) as ok', [pid]);
    assert.equal(killed.rows[0].ok, true);
    await until('the drop to be noticed', () => !sigB.listener!.connected);
    // A trigger elsewhere while B is deaf: its NOTIFY is lost, its audit entry is not.
    const missed = pause({ rule: 'google-ip-rate-limited', ip: '192.0.2.9', sampleReply: GMAIL_4_7_28 });
    await ts.store.db.insertInto('audit_log').values({ actor: 'automation', action: missed.rule, subject: '192.0.2.9 -> google', data: JSON.stringify(missed), created_at: missed.from }).execute();
    await until('the reconnect', () => sigB.listener!.connected && sigB.listener!.reconnects === 1, 5000);
    assert.notEqual(sigB.listener!.pid, pid);
    assert.ok(warnings.some((w) => /LISTEN connection lost/.test(w)), warnings.join('\n'));
    await until('the missed record read back', () => target.automation!.active('192.0.2.9', 'google').length === 1);
    assert.ok(target.topology >= 1, 'topology reloaded after the gap');
    const wakes = target.wakes;
    sigA.spooled(1);
    await until('a wake after the reconnect', () => target.wakes > wakes);
  } finally {
    await admin.end();
    await sigA.stop();
    await sigB.stop();
    await storeB.close();
    await ts.dispose();
  }
});

test('malformed notifications are ignored with a warning; bursts make one wake', async (t) => {
  if (!PG_URL) return t.skip(PG_SKIP_REASON);
  const ts = await freshPostgres();
  const warnings: string[] = [];
  const sig = new ClusterSignals({ store: ts.store, onWarning: (m) => warnings.push(m), coalesceMs: 20 });
  const target = fakeLoop();
  const raw = new pg.Client({ connectionString: ts.store.url });
  await raw.connect();
  try {
    await sig.listen(target);
    const ch = sig.channels;
    const send = (channel: string, payload: string) => raw.query('select pg_notify($1, $2)', [channel, payload]);
    await send(ch.spooled, 'not json {');
    await send(ch.automation, JSON.stringify({ n: 'other', r: { rule: 'x', ip: 1 } }));
    await send(ch.automation, JSON.stringify({ n: 'other', r: pause({ action: { kind: 'drop-table' } as never }) }));
    await send(ch.topology, '[]');
    await send(ch.spooled, JSON.stringify({ n: 'other', c: -4 }));
    await until('the bad input to arrive', () => sig.stats.received === 5);
    assert.equal(sig.stats.malformed, 5);
    assert.ok(warnings.length >= 3 && warnings.every((w) => /ignored a malformed notification/.test(w)), warnings.join('\n'));
    assert.equal(target.automation!.all().length, 0);
    assert.equal(target.wakes + target.topology, 0);
    // Still listening, and a burst of good ones makes one wake.
    // (distinct payloads: PostgreSQL folds identical ones within a transaction itself)
    await raw.query(`select pg_notify($1, json_build_object('n', 'other', 'c', g)::text) from generate_series(1, 20) g`, [ch.spooled]);
    await until('the burst', () => sig.stats.received === 25);
    await sleep(60);
    assert.equal(target.wakes, 1, 'one wake per burst');
    await send(ch.automation, JSON.stringify({ n: 'other', r: pause() }));
    await until('a good record', () => target.automation!.all().length === 1);
  } finally {
    await raw.end();
    await sig.stop();
    await ts.dispose();
  }
});
