// Mail accepted by a node that also delivers goes from the spool to the ready queues in
// memory: its rows are committed leased to the node's loop, the bodies come back from the
// spool's writer thread, and nothing is claimed or read back from the database. A restarted
// loop takes back at once what it had leased before a crash.
import '../runtime/extensions.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freshSqlite, PG_SKIP_REASON, PG_URL } from '../../test/support/stores.ts';
import { startTestNode, submissionTransport } from '../../test/support/node.ts';
import { attachedBodyFacts, bodyFacts, knownBodyHash } from '../auth/body-facts.ts';
import { MemoryResolver } from '../dns/memory-resolver.ts';
import type { SpoolBatch } from '../store/spool-repo.ts';
import { createTenant } from '../store/tenants-repo.ts';
import { DeliveryLoop } from './delivery-loop.ts';
import { deliveryLoopFor, stableOwner } from './delivery-extension.ts';
import { enqueue } from './testing/enqueue.ts';
import { startReceiver } from './testing/receiver.ts';

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const dialect of ['sqlite', 'postgres'] as const) test(`SMTP submissions are delivered from memory, byte for byte, without a claim or a body read [${dialect}]`, async (t) => {
  if (dialect === 'postgres' && !PG_URL) return t.skip(PG_SKIP_REASON);
  const rx = await startReceiver();
  const n = await startTestNode({ dialect, roles: 'smtp,mta', env: { RELAIS_ROUTES: `example.net=127.0.0.1:${rx.port}` } });
  try {
    const loop = deliveryLoopFor(n.node.store)!;
    assert.ok(loop, 'the node runs a delivery loop');
    const spooled: SpoolBatch[] = [];
    const listener = n.node.spool.onSpooled;
    n.node.spool.onSpooled = (b) => {
      listener?.(b);
      spooled.push(b);
    };
    const transport = submissionTransport(n);
    // Large bodies (moved to the writer thread and back) with a line per message to tell them apart.
    const texts = [0, 1, 2].map((i) => `message ${i}\r\n${`${String(i).repeat(70)}\r\n`.repeat(3000)}`);
    for (const [i, text] of texts.entries()) {
      await transport.sendMail({ from: 'news@acme.example', to: `reader${i}@example.net`, subject: `m${i}`, text });
    }
    transport.close();
    await waitFor('three deliveries', () => rx.messages.length === 3);
    for (const [i, text] of texts.entries()) {
      const got = rx.messages.find((m) => m.to[0] === `reader${i}@example.net`);
      assert.ok(got, `message ${i} arrived`);
      const body = got.raw.toString().split('\r\n\r\n').slice(1).join('\r\n\r\n');
      assert.equal(body.replace(/\r\n$/, ''), text.replace(/\r\n$/, ''), `body ${i} intact`);
    }
    assert.equal(loop.stats.adopted, 3);
    assert.equal(loop.stats.claimed, 0);
    // Intake's DKIM body hash came along with each body and is known to the signer.
    for (const b of spooled.flatMap((x) => x.bodies)) {
      const raw = b.raw as Buffer;
      const facts = attachedBodyFacts(b);
      assert.ok(facts, 'intake attached its body facts');
      assert.deepEqual(facts, bodyFacts(raw), 'and they describe the bytes delivered');
      assert.equal(knownBodyHash(raw, facts.bodyLength), facts.bh, 'the loop handed them to the signer');
    }
    assert.equal(spooled.flatMap((x) => x.bodies).length, 3);
    await waitFor('outcomes recorded', async () => {
      const rows = await n.node.store.db.selectFrom('messages').select(['status', 'lease_owner']).execute();
      return rows.length === 3 && rows.every((r) => r.status === 'sent' && r.lease_owner === null);
    });
  } finally {
    await n.stop();
    await rx.close();
  }
});

test('a restarted loop with its stable owner takes back at once the rows it had leased before a crash', async () => {
  const ts = await freshSqlite();
  const rx = await startReceiver();
  try {
    const tenant = await createTenant(ts.store, 'T');
    const [id] = await enqueue(ts.store, { tenantId: tenant.id, recipients: ['a@example.net'] });
    // What a crash leaves: the row leased for another hour to the loop that died.
    await ts.store.db.updateTable('messages').set({ lease_owner: 'mta-0123456789ab', lease_until: Date.now() + 3_600_000 }).where('id', '=', id!).execute();
    const opts = { store: ts.store, resolver: new MemoryResolver({}), hostname: 'relais.test', routes: [`example.net=127.0.0.1:${rx.port}`], pollMs: 50 };
    const stranger = new DeliveryLoop({ ...opts, owner: 'mta-ba9876543210' });
    await stranger.start();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(rx.messages.length, 0, 'another owner respects the lease');
    await stranger.stop();
    const same = new DeliveryLoop({ ...opts, owner: 'mta-0123456789ab' });
    await same.start();
    await waitFor('delivery after restart', () => rx.messages.length === 1, 3000);
    await same.stop();
  } finally {
    await rx.close();
    await ts.dispose();
  }
});

test('stableOwner: kept in the data directory per node id, made once, a damaged file replaced', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'owner-'));
  try {
    const a = stableOwner(dir);
    assert.match(a, /^mta-[0-9a-f]{12}$/);
    assert.equal(stableOwner(dir), a);
    writeFileSync(join(dir, 'mta-owner'), 'garbage; drop table');
    const b = stableOwner(dir);
    assert.match(b, /^mta-[0-9a-f]{12}$/);
    assert.notEqual(b, a);
    const other = stableOwner(dir, 3);
    assert.notEqual(other, b, 'another node id sharing the directory has its own');
    assert.equal(stableOwner(dir, 3), other);
    assert.equal(stableOwner(dir), b);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
