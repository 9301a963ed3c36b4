// Postfix's smtp-sink as the receiving MTA: what arrives, from which source address and
// with which HELO, headers intact; and its scripted 4xx makes the loop defer.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freshSqlite } from '../../test/support/stores.ts';
import { MemoryResolver } from '../dns/memory-resolver.ts';
import { addEgressIp, addPoolMembers, addRoute, createPool } from '../store/egress-repo.ts';
import { createTenant } from '../store/tenants-repo.ts';
import { DeliveryLoop } from './delivery-loop.ts';
import { enqueue, testMessage } from './testing/enqueue.ts';
import { smtpSinkMissing, startSmtpSink } from './testing/smtp-sink.ts';

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('smtp-sink receives every message from the pool IP with its HELO, headers intact', async (t) => {
  const missing = smtpSinkMissing();
  if (missing) return t.skip(missing);
  const sink = await startSmtpSink({ dump: true });
  const ts = await freshSqlite();
  const store = ts.store;
  const loop = new DeliveryLoop({ store, resolver: new MemoryResolver({}), hostname: 'relais.test', pollMs: 100 });
  try {
    const tenant = (await createTenant(store, 'Acme')).id;
    await addEgressIp(store, { ip: '127.0.0.4', helo: 'out4.relais.test' });
    await createPool(store, { name: 'tx', stream: 'transactional' });
    await addPoolMembers(store, 'tx', ['127.0.0.4']);
    await addRoute(store, 'example.net', `127.0.0.1:${sink.port}`);
    for (let i = 0; i < 20; i++) {
      const to = `user${i}@example.net`;
      await enqueue(store, { tenantId: tenant, recipients: [to], raw: testMessage('news@acme.example', to, `Order ${i}`, 4096) });
    }
    await loop.start();
    await until('20 dumped', () => readdirSync(sink.dir!).length === 20);
    const files = readdirSync(sink.dir!).map((f) => readFileSync(join(sink.dir!, f), 'utf8'));
    for (const f of files) {
      assert.match(f, /^X-Client-Addr: 127\.0\.0\.4$/m);
      assert.match(f, /^X-Helo-Args: out4\.relais\.test$/m);
      assert.match(f, /^X-Mail-Args: <bounce\+\d+@bounces\.relais\.test>/m);
      assert.match(f, /^Subject: Order \d+$/m);
      assert.match(f, /^Message-ID: <[^>]+@relais\.test>$/m);
    }
    assert.deepEqual(files.map((f) => /^X-Rcpt-Args: <([^>]+)>/m.exec(f)![1]).sort(), Array.from({ length: 20 }, (_, i) => `user${i}@example.net`).sort());
    await until('rows sent', async () => (await store.db.selectFrom('messages').select('id').where('status', '=', 'sent').execute()).length === 20);
  } finally {
    await loop.stop();
    await sink.stop();
    await ts.dispose();
    rmSync(sink.dir!, { recursive: true, force: true });
  }
});

test('smtp-sink answering 4xx to RCPT: the loop defers with its reply', async (t) => {
  const missing = smtpSinkMissing();
  if (missing) return t.skip(missing);
  const sink = await startSmtpSink({ extra: ['-r', 'RCPT'] });
  const ts = await freshSqlite();
  const store = ts.store;
  const loop = new DeliveryLoop({ store, resolver: new MemoryResolver({}), hostname: 'relais.test', pollMs: 100 });
  try {
    const tenant = (await createTenant(store, 'Acme')).id;
    await addRoute(store, 'example.net', `127.0.0.1:${sink.port}`);
    await enqueue(store, { tenantId: tenant, recipients: ['a@example.net', 'b@example.net'] });
    await loop.start();
    await until('2 deferred', async () => (await store.db.selectFrom('messages').select('id').where('status', '=', 'deferred').execute()).length === 2);
    const rows = await store.db.selectFrom('messages').selectAll().execute();
    for (const r of rows) {
      assert.match(r.last_reply!, /^4\d\d /);
      assert.ok(Number(r.next_attempt_at) > Date.now() + 5 * 60_000, 'backoff per the default schedule (10 min ± jitter)');
    }
  } finally {
    await loop.stop();
    await sink.stop();
    await ts.dispose();
  }
});
