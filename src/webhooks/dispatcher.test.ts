import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import type { EventType } from '../core/events.ts';
import { eventRecord, recordEvents } from '../store/events-repo.ts';
import { getEndpoint, updateEndpoint } from '../store/webhooks-repo.ts';
import { freshSqlite, type TestStore } from '../../test/support/stores.ts';
import { WebhookDispatcher } from './dispatcher.ts';
import { createWebhook, replayWebhook } from './service.ts';
import { verifyWebhookSignature } from './signature.ts';

// A real HTTP receiver whose behaviour the test switches: fail (500), hang (never answers),
// ok (200). It checks every signature and records what it got, in arrival order.
type Mode = 'ok' | 'fail' | 'hang';
interface Receiver {
  url: string;
  mode: Mode;
  secret: string;
  bodies: any[][];
  badSignatures: number;
  hits: number;
  /** the dispatcher's clock: signatures carry its time */
  now: () => number;
  server: Server;
}

function startReceiver(): Promise<Receiver> {
  const r: Receiver = { url: '', mode: 'ok', secret: '', bodies: [], badSignatures: 0, hits: 0, now: Date.now, server: undefined as never };
  const hanging: ServerResponse[] = [];
  r.server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      r.hits++;
      const raw = Buffer.concat(chunks);
      if (r.mode === 'hang') {
        hanging.push(res);
        return;
      }
      if (r.mode === 'fail') {
        res.writeHead(500).end('nope');
        return;
      }
      const v = verifyWebhookSignature(r.secret, req.headers['relais-signature'] as string, raw, Math.floor(r.now() / 1000));
      if (!v.ok) {
        r.badSignatures++;
        res.writeHead(401).end();
        return;
      }
      r.bodies.push(JSON.parse(raw.toString('utf8')));
      res.writeHead(200).end('ok');
    });
  });
  r.server.on('close', () => {
    for (const h of hanging) h.destroy();
  });
  return new Promise((resolve) => r.server.listen(0, '127.0.0.1', () => {
    r.url = `http://127.0.0.1:${(r.server.address() as AddressInfo).port}/hook`;
    resolve(r);
  }));
}

// Real time plus what the test has skipped ahead: event ids come from the real clock.
class ManualClock {
  offset = 0;
  constructor(start: number) {
    this.offset = start - Date.now();
  }
  now(): number {
    return Date.now() + this.offset;
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}

// One clock for the file: ids are monotonic process-wide, so time only moves forward.
const clock = new ManualClock(Date.now());
let ts: TestStore;
let rx: Receiver;
before(async () => {
  ts = await freshSqlite();
  rx = await startReceiver();
});
after(async () => {
  rx.server.closeAllConnections();
  await new Promise((r) => rx.server.close(r));
  await ts.dispose();
});

const master = randomBytes(32);
const TENANT = 42;

async function emit(clock: ManualClock, types: EventType[]): Promise<number[]> {
  const evs = types.map((type, i) => eventRecord({ tenantId: TENANT, messageId: null, type, recipient: `r${i}@example.com`, data: { n: i }, createdAt: clock.now() }));
  await recordEvents(ts.store, evs);
  // a second tenant's events must never reach this endpoint
  await recordEvents(ts.store, [eventRecord({ tenantId: TENANT + 1, messageId: null, type: 'delivery', recipient: 'other@example.com', data: {} })]);
  return evs.map((e) => e.id);
}

async function round(d: WebhookDispatcher, clock: ManualClock, advanceMs: number) {
  clock.advance(advanceMs);
  await d.tick();
  await d.settle();
}

test('fails, times out, recovers, fails past the deadline, recovers again: nothing lost, order kept', async () => {
  const { endpoint, secret } = await createWebhook(ts.store, master, TENANT, { url: rx.url, eventTypes: [] });
  rx.secret = secret;
  rx.now = () => clock.now();
  const opts = { store: ts.store, masterKey: master, clock, settleMs: 0, timeoutMs: 300, batchSize: 3 };
  let d = new WebhookDispatcher(opts);
  const ids: number[] = [];

  rx.mode = 'fail';
  clock.advance(5);
  ids.push(...(await emit(clock, ['reception', 'delivery', 'bounce', 'open', 'click'])));
  await round(d, clock, 5);
  assert.equal(rx.hits, 1);
  let ep = await getEndpoint(ts.store, TENANT, endpoint.id);
  assert.match(ep?.lastError ?? '', /HTTP 500/);
  assert.equal(ep?.status, 'active');
  await round(d, clock, 5); // not due yet: head-of-line waits for its backoff
  assert.equal(rx.hits, 1);

  rx.mode = 'hang';
  await round(d, clock, 60_000);
  assert.equal(rx.hits, 2);
  assert.match((await getEndpoint(ts.store, TENANT, endpoint.id))?.lastError ?? '', /no answer within 300 ms/);

  // a restart: a new dispatcher finds everything in the durable outbox
  await d.stop();
  d = new WebhookDispatcher(opts);
  ids.push(...(await emit(clock, ['delivery', 'complaint', 'unsubscribe'])));
  rx.mode = 'ok';
  await round(d, clock, 3_600_000);
  const received = rx.bodies.flat().map((e) => Number(e.id));
  assert.deepEqual(received, ids, 'every event once, in order, nothing of the other tenant');
  assert.equal(rx.bodies.length, 3, 'batches of at most 3');
  assert.equal(rx.badSignatures, 0);

  // Down for longer than retry_hours: the endpoint is marked failing, events are kept.
  rx.mode = 'fail';
  const more = await emit(clock, ['bounce', 'delivery']);
  await round(d, clock, 1000);
  for (let h = 0; h < 25; h++) await round(d, clock, 3_600_000);
  ep = await getEndpoint(ts.store, TENANT, endpoint.id);
  assert.equal(ep?.status, 'failing');
  assert.ok(ep?.failingSince);
  rx.mode = 'ok';
  await round(d, clock, 3_600_001); // the hourly probe succeeds
  ep = await getEndpoint(ts.store, TENANT, endpoint.id);
  assert.equal(ep?.status, 'active');
  assert.deepEqual(rx.bodies.flat().map((e) => Number(e.id)), [...ids, ...more]);

  // Replay of a time range: the same ids again, after what was pending.
  const before = rx.bodies.flat().length;
  const n = await replayWebhook(ts.store, TENANT, endpoint.id, 0, clock.now() + 1);
  assert.equal(n, ids.length + more.length);
  await round(d, clock, 10);
  await round(d, clock, 10);
  await round(d, clock, 10);
  assert.deepEqual(rx.bodies.flat().slice(before).map((e) => Number(e.id)), [...ids, ...more]);
  await d.stop();
  await updateEndpoint(ts.store, TENANT, endpoint.id, { status: 'disabled' });
});

test('mailjet format with an event-type filter; a failing endpoint with a backup URL uses it', async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
  const down = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/never`;
  await new Promise((r) => closed.close(r)); // connection refused from now on
  const { endpoint, secret } = await createWebhook(ts.store, master, TENANT, { url: down, backupUrl: rx.url, format: 'mailjet', eventTypes: ['bounce', 'complaint', 'reception'] });
  rx.secret = secret;
  rx.now = () => clock.now();
  rx.mode = 'ok';
  rx.bodies = [];
  const d = new WebhookDispatcher({ store: ts.store, masterKey: master, clock, settleMs: 0, timeoutMs: 300 });
  clock.advance(5);
  const ids = await emit(clock, ['reception', 'bounce', 'delivery', 'complaint']);
  await round(d, clock, 5);
  assert.equal(rx.bodies.length, 0);
  for (let h = 0; h < 26; h++) await round(d, clock, 3_600_000);
  assert.equal((await getEndpoint(ts.store, TENANT, endpoint.id))?.status, 'failing');
  await round(d, clock, 1000);
  const got = rx.bodies.flat();
  // reception has no Mailjet counterpart; delivery is filtered out
  assert.deepEqual(got.map((e) => e.event), ['bounce', 'spam']);
  assert.deepEqual(got.map((e) => Number(e.relais_event_id)), [ids[1], ids[3]]);
  assert.equal(got[0].email, 'r1@example.com');
  assert.equal(typeof got[0].time, 'number');
  assert.equal(got[0].hard_bounce, false);
  assert.equal(got[1].source, 'FBL');
  await d.stop();
});
