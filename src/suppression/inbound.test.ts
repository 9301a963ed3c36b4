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
