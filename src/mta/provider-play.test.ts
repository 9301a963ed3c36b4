// The receiver plays Gmail: a Workspace domain whose MX is Google's is the site `google`
// (Gmail's shaping: at most 5 connections per IP), and Gmail's 421 4.7.28 rate-limit reply
// suspends that IP -> google for 15 minutes: the rest waits in the scheduled queue.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freshSqlite } from '../../test/support/stores.ts';
import { MemoryResolver } from '../dns/memory-resolver.ts';
import { addEgressIp } from '../store/egress-repo.ts';
import type { EventsTable } from '../store/schema.ts';
import { createTenant } from '../store/tenants-repo.ts';
import { DeliveryLoop } from './delivery-loop.ts';
import type { AutomationRecord } from './policy/automation-engine.ts';
import { enqueue } from './testing/enqueue.ts';
import { startReceiver } from './testing/receiver.ts';

const GMAIL_4_7_28 =
  '421-4.7.28 [127.0.0.3      15] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. Please visit https://support.google.com/mail/?p=UnsolicitedRateLimitError to review our Bulk Email Senders Guidelines.';

test('a Google-hosted domain shares Gmail shaping; 421 4.7.28 suspends the IP for Gmail and holds the rest', async () => {
  let rateLimited = false;
  const rx = await startReceiver({ dataDelayMs: 30, rcpt: ({ count }) => (rateLimited && count > 300 ? GMAIL_4_7_28 : undefined) });
  const ts = await freshSqlite();
  const events: EventsTable[] = [];
  const triggers: AutomationRecord[] = [];
  const dns = new MemoryResolver({
    'customer.example': { MX: ['1 aspmx.l.google.com', '5 alt1.aspmx.l.google.com'] },
    'aspmx.l.google.com': { A: ['127.0.0.1'] },
    'alt1.aspmx.l.google.com': { A: ['127.0.0.1'] },
  });
  const loop = new DeliveryLoop({ store: ts.store, resolver: dns, hostname: 'relais.test', mxPort: rx.port, pollMs: 100, onEvent: (e) => events.push(e), onAutomation: (r) => triggers.push(r) });
  try {
    const tenant = (await createTenant(ts.store, 'Acme')).id;
    await addEgressIp(ts.store, { ip: '127.0.0.3', helo: 'out3.relais.test' });
    await enqueue(ts.store, { tenantId: tenant, recipients: Array.from({ length: 300 }, (_, i) => `u${i}@customer.example`) });
    await loop.start();
    const end = Date.now() + 15_000;
    while (rx.messages.length < 300 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.equal(rx.messages.length, 300);
    const peak = rx.maxConcurrent.get('127.0.0.3')!;
    // Gmail allows 5 connections per IP; the default connection rate (100/min) opens them one
    // every 0.6 s, so a short burst reaches only a few.
    assert.ok(peak >= 2 && peak <= 5, `peak ${peak} connections`);
    const ev = JSON.parse(events.find((e) => e.type === 'delivery')!.data);
    assert.equal(ev.site, 'google');
    assert.equal(ev.provider, 'google');

    rateLimited = true;
    await enqueue(ts.store, { tenantId: tenant, recipients: Array.from({ length: 30 }, (_, i) => `v${i}@customer.example`) });
    loop.wake();
    while (triggers.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.ok(triggers.some((t) => t.rule === 'google-ip-rate-limited' && t.action.kind === 'suspend-site-for-ip' && t.ip === '127.0.0.3' && t.site === 'google'));
    await new Promise((r) => setTimeout(r, 1000));
    const refusedAfter = rx.refused.length;
    assert.ok(refusedAfter <= 5, `only the attempts already in flight meet the 421 (${refusedAfter})`);
    const rows = await ts.store.db.selectFrom('messages').selectAll().where('recipient', 'like', 'v%').execute();
    const waiting = rows.filter((r) => r.status === 'queued' || r.status === 'deferred');
    assert.equal(waiting.length, 30, 'nothing of the second batch was delivered or bounced');
    const resume = Math.min(...waiting.filter((r) => r.status === 'queued').map((r) => Number(r.next_attempt_at)));
    assert.ok(resume >= Date.now() + 13 * 60_000, 'held until the 15-minute suspension ends');
  } finally {
    await loop.stop();
    await rx.close();
    await ts.dispose();
  }
});
