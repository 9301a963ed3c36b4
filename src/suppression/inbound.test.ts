// Bad input straight into the inbound processor: nothing attributed, nothing thrown.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { encodeVerp } from '../feedback/verp.ts';
import { freshSqlite, type TestStore } from '../../test/support/stores.ts';
import { type InboundOutcome, processInbound } from './inbound.ts';

let ts: TestStore;
before(async () => {
  ts = await freshSqlite();
});
after(async () => ts.dispose());

const verpKey = randomBytes(32);
const masterKey = randomBytes(32);
const domain = 'bounces.example.com';

async function run(rcpt: string, raw: string | Buffer, mailFrom = ''): Promise<InboundOutcome[]> {
  const counted: InboundOutcome[] = [];
  const r = await processInbound({ store: ts.store, bounceDomain: domain, verpKey, masterKey, count: (o) => counted.push(o) }, { mailFrom, rcptTo: [rcpt], raw: Buffer.from(raw) });
  assert.deepEqual(r.map((x) => x.outcome), counted, 'every outcome is counted');
  return counted;
}

async function eventCount(): Promise<number> {
  return Number((await ts.store.db.selectFrom('events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
}

test('malformed, bomb-shaped and empty messages: clear outcomes, no events', async () => {
  const v = encodeVerp({ messageId: 42, recipientId: 0, bounceDomain: domain, secret: verpKey });
  // the VERP tag is valid but there is no message 42
  assert.deepEqual(await run(v, 'garbage without headers'), ['unknown']);
  // deeply nested multipart (a "bomb"): parsing is bounded
  let bomb = 'Content-Type: text/plain\r\n\r\nx\r\n';
  for (let i = 0; i < 200; i++) bomb = `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n${bomb}--b${i}--\r\n`;
  assert.deepEqual(await run(`fbl@${domain}`, `From: x@example.net\r\nSubject: report\r\n${bomb}`), ['not-report']);
  // many sibling parts
  const parts = Array.from({ length: 5000 }, () => '--z\r\nContent-Type: text/plain\r\n\r\nhi\r\n').join('');
  assert.deepEqual(await run(`abuse@${domain}`, `Content-Type: multipart/report; report-type=feedback-report; boundary="z"\r\n\r\n${parts}--z--\r\n`), ['not-report']);
  assert.deepEqual(await run(`fbl@${domain}`, ''), ['not-report']);
  // shapes that are ours but not valid
  assert.deepEqual(await run(`b+zz-0-aaaaaaaaaa@${domain}`, 'Subject: x\r\n\r\nx'), ['forged']);
  assert.deepEqual(await run(`b+not-verp@${domain}`, 'Subject: x\r\n\r\nx'), ['forged']);
  assert.deepEqual(await run(`u+1-0-aaaaaaaaaa@${domain}`, 'Subject: unsubscribe\r\n\r\n'), ['forged']);
  assert.equal(await eventCount(), 0);
  const stored = await ts.store.db.selectFrom('inbound_reports').select(['outcome', 'raw']).execute();
  assert.equal(stored.length, 7);
  assert.ok(stored.every((r) => r.raw === null), 'forged/unknown/not-report keep no raw body');
});

test('a JMRP-style report without Original-Mail-From is attributed through a VERP address in the reported headers', async () => {
  const now = Date.now();
  await ts.store.db
    .insertInto('messages')
    .values({
      id: 777,
      uuid: 'u-777',
      tenant_id: 9,
      body_id: 1,
      stream: 'marketing',
      campaign: null,
      custom_id: null,
      event_payload: null,
      mail_from: 'x',
      recipient: 'heidi@outlook.example',
      recipient_domain: 'outlook.example',
      from_addr: 'news@shop.example.com',
      subject: 'Hi',
      status: 'sent',
      attempts: 1,
      next_attempt_at: now,
      expires_at: now + 1000,
      created_at: now,
      updated_at: now,
      last_reply: null,
      egress_ip: null,
      lease_owner: null,
      lease_until: null,
    })
    .execute();
  const ref = encodeVerp({ messageId: 777, recipientId: 0, bounceDomain: domain, secret: verpKey });
  const jmrp = [
    'From: staff@hotmail.com',
    `To: fbl@${domain}`,
    'Subject: complaint about message from 192.0.2.44',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="J"',
    '',
    '--J',
    'Content-Type: text/plain',
    '',
    'This is an email abuse report for an email message received from IP 192.0.2.44.',
    '--J',
    'Content-Type: message/rfc822',
    'Content-Disposition: inline',
    '',
    'X-HmXmrOriginalRecipient: <heidi@outlook.example>',
    'From: news@shop.example.com',
    'To: heidi@outlook.example',
    'Subject: Hi',
    `X-Relais-Ref: <${ref}>`,
    '',
    'Hello',
    '--J--',
    '',
  ].join('\r\n');
  assert.deepEqual(await run(`fbl@${domain}`, jmrp), ['complaint']);
  const ev = await ts.store.db.selectFrom('events').selectAll().where('message_id', '=', 777).execute();
  assert.deepEqual(ev.map((e) => [e.type, e.tenant_id, e.recipient, JSON.parse(e.data).source]), [['complaint', 9, 'heidi@outlook.example', 'JMRP']]);
  const s = await ts.store.db.selectFrom('suppressions').selectAll().where('tenant_id', '=', 9).execute();
  assert.deepEqual(s.map((x) => [x.address, x.scope, x.scope_value, x.reason]), [['heidi@outlook.example', 'stream', 'marketing', 'complaint']]);
  // the same report again: no second event
  assert.deepEqual(await run(`fbl@${domain}`, jmrp), ['complaint']);
  assert.equal((await ts.store.db.selectFrom('events').select('id').where('message_id', '=', 777).execute()).length, 1);
});
