// Real mail through the MX: DSNs, ARF reports, mailto unsubscribes, forged and looping
// bounces, sent over SMTP with nodemailer (and one with swaks when installed); then the
// suppression list, the events, the operator's inbound reports and a real webhook receiver.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import nodemailer from 'nodemailer';
import { feedbackOptions, registerFeedback } from '../runtime/feedback-extension.ts';
import { nodeExtensions } from '../runtime/relais-node.ts';
import { encodeVerp } from '../feedback/verp.ts';
import { listEvents } from '../store/events-repo.ts';
import { unsubscribeMailtoAddress } from '../suppression/unsubscribe-links.ts';
import { verifyWebhookSignature } from '../webhooks/signature.ts';
import { startTestNode, type TestNode } from '../../test/support/node.ts';

const BOUNCE_DOMAIN = 'bounces.relais.test';
let n: TestNode;
let hook: Server;
let hookSecret = '';
const received: any[] = [];
let badSigs = 0;

before(async () => {
  registerFeedback(nodeExtensions);
  feedbackOptions.webhookIntervalMs = 100;
  feedbackOptions.webhookSettleMs = 50;
  n = await startTestNode({ roles: 'api,mx', env: { RELAIS_BOUNCE_DOMAIN: BOUNCE_DOMAIN } });
  hook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (!verifyWebhookSignature(hookSecret, req.headers['relais-signature'] as string, raw).ok) {
        badSigs++;
        res.writeHead(401).end();
        return;
      }
      received.push(...JSON.parse(raw.toString()));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
  const r = await api('/v1/webhooks', { method: 'POST', body: JSON.stringify({ url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/events` }) });
  hookSecret = ((await r.json()) as any).secret;
});
after(async () => {
  await n.stop();
  await new Promise((r) => hook.close(r));
});

function api(path: string, init: RequestInit = {}) {
  return fetch(`${n.url}${path}`, { ...init, headers: { authorization: n.basic, 'content-type': 'application/json' } });
}

async function sendOne(to: string, campaign?: string): Promise<number> {
  const r = await api('/v3.1/send', {
    method: 'POST',
    body: JSON.stringify({ Messages: [{ From: { Email: 'news@shop.example.com' }, To: [{ Email: to }], Subject: 'Hello', TextPart: 'Hi', ...(campaign ? { CustomCampaign: campaign } : {}) }] }),
  });
  const body = (await r.json()) as any;
  assert.equal(r.status, 200, JSON.stringify(body));
  return body.Messages[0].To[0].MessageID;
}

const verp = (id: number) => encodeVerp({ messageId: id, recipientId: 0, bounceDomain: BOUNCE_DOMAIN, secret: n.node.intake.verpKey });

async function smtp(from: string, to: string, raw: string): Promise<void> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: n.node.ports.mx, secure: false, ignoreTLS: true });
  try {
    await t.sendMail({ envelope: { from, to: [to] }, raw });
  } finally {
    t.close();
  }
}

function dsn(o: { to: string; rcpt: string; status: string; diag: string; returnPath?: string; extra?: string }): string {
  return [
    'From: MAILER-DAEMON@mx.example.org (Mail Delivery System)',
    `To: ${o.to}`,
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="BND"',
    '',
    '--BND',
    'Content-Type: text/plain',
    '',
    'I\'m sorry to have to inform you that your message could not be delivered.',
    '',
    '--BND',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.org',
    '',
    `Final-Recipient: rfc822; ${o.rcpt}`,
    'Action: failed',
    `Status: ${o.status}`,
    'Remote-MTA: dns; mx.example.org',
    `Diagnostic-Code: smtp; ${o.diag}`,
    '',
    '--BND',
    'Content-Type: text/rfc822-headers',
    '',
    ...(o.returnPath !== undefined ? [`Return-Path: ${o.returnPath}`] : []),
    'From: news@shop.example.com',
    `To: ${o.rcpt}`,
    'Subject: Hello',
    '',
    ...(o.extra ? ['--BND', o.extra] : []),
    '--BND--',
    '',
  ].join('\r\n');
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function suppressionsOf(email: string) {
  return ((await (await api(`/v1/suppressions?email=${encodeURIComponent(email)}`)).json()) as any).data as any[];
}

async function reports(outcome: string) {
  const r = await fetch(`${n.url}/v1/admin/inbound-reports?outcome=${outcome}`, { headers: { authorization: `Bearer ${n.node.adminToken}` } });
  return ((await r.json()) as any).data as any[];
}

test('a hard DSN to a VERP address: bounce event, tenant-wide suppression, signed webhook; later sends are suppressed', async () => {
  const id = await sendOne('gone@example.org');
  await smtp('', verp(id), dsn({ to: verp(id), rcpt: 'gone@example.org', status: '5.1.1', diag: '550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown in virtual mailbox table', returnPath: `<${verp(id)}>` }));
  const ev = (await listEvents(n.node.store, n.tenantId, { type: 'bounce', messageId: id }))[0];
  assert.ok(ev, 'bounce event recorded');
  assert.equal(ev.data.reason, 'userunknown');
  assert.equal(ev.data.hard, true);
  assert.equal(ev.data.enhanced, '5.1.1');
  const s = await suppressionsOf('gone@example.org');
  assert.deepEqual([s.length, s[0].scope, s[0].reason, s[0].origin, s[0].message_id], [1, 'tenant', 'hard_bounce', 'system', id]);
  const hooked = await waitFor('webhook', () => received.find((e) => e.type === 'bounce' && e.message_id === id));
  assert.equal(hooked.id, String(ev.id));
  assert.equal(hooked.recipient, 'gone@example.org');
  assert.equal(hooked.data.reason, 'userunknown');
  assert.equal(badSigs, 0);
  // the intake now refuses the address, with a `suppressed` event the webhook also carries
  const again = await sendOne('gone@example.org');
  const sup = await listEvents(n.node.store, n.tenantId, { type: 'suppressed', messageId: again });
  assert.equal(sup[0]?.data.reason, 'hard_bounce');
  await waitFor('suppressed webhook', () => received.find((e) => e.type === 'suppressed' && e.message_id === again));
  // the same DSN again records nothing new
  await smtp('', verp(id), dsn({ to: verp(id), rcpt: 'gone@example.org', status: '5.1.1', diag: '550 5.1.1 User unknown' }));
  assert.equal((await listEvents(n.node.store, n.tenantId, { type: 'bounce', messageId: id })).length, 1);
});

test('a soft DSN records a bounce without suppressing; an auto-reply is not a bounce', async () => {
  const id = await sendOne('full@example.org');
  await smtp('', verp(id), dsn({ to: verp(id), rcpt: 'full@example.org', status: '4.2.2', diag: '452 4.2.2 Mailbox full' }));
  const ev = (await listEvents(n.node.store, n.tenantId, { type: 'bounce', messageId: id }))[0];
  assert.equal(ev?.data.hard, false);
  assert.equal((await suppressionsOf('full@example.org')).length, 0);
  const id2 = await sendOne('away@example.org');
  await smtp('away@example.org', verp(id2), ['From: away@example.org', `To: ${verp(id2)}`, 'Subject: Out of office: Hello', 'Auto-Submitted: auto-replied', '', 'I am on holiday until Monday.', ''].join('\r\n'));
  assert.equal((await listEvents(n.node.store, n.tenantId, { messageId: id2, type: 'bounce' })).length, 0);
  assert.equal((await suppressionsOf('away@example.org')).length, 0);
});

test('forged and unknown VERP tags and looping bounces are dropped, counted and never attributed', async () => {
  const id = await sendOne('victim@example.org');
  const good = verp(id);
  const forged = good.replace(/-([a-z2-7]{10})@/, (_m, tag: string) => `-${tag[0] === 'a' ? 'b' : 'a'}${tag.slice(1)}@`);
  await smtp('', forged, dsn({ to: forged, rcpt: 'victim@example.org', status: '5.1.1', diag: '550 5.1.1 User unknown' }));
  const unknown = encodeVerp({ messageId: 123456789, recipientId: 0, bounceDomain: BOUNCE_DOMAIN, secret: n.node.intake.verpKey });
  await smtp('', unknown, dsn({ to: unknown, rcpt: 'victim@example.org', status: '5.1.1', diag: '550 5.1.1 User unknown' }));
  // a bounce of a bounce: the returned original had a null return path
  await smtp('', good, dsn({ to: good, rcpt: 'victim@example.org', status: '5.1.1', diag: '550 5.1.1 User unknown', returnPath: '<>' }));
  assert.equal((await listEvents(n.node.store, n.tenantId, { messageId: id, type: 'bounce' })).length, 0);
  assert.equal((await suppressionsOf('victim@example.org')).length, 0);
  assert.equal((await reports('forged')).filter((r) => r.rcpt_to === forged).length, 1);
  assert.equal((await reports('unknown')).filter((r) => r.rcpt_to === unknown).length, 1);
  assert.equal((await reports('loop')).filter((r) => r.message_id === id).length, 1);
  const metrics = await (await fetch(`${n.url}/metrics`)).text();
  assert.match(metrics, /relais_mx_messages_total\{outcome="forged"\} [1-9]/);
  assert.match(metrics, /relais_mx_messages_total\{outcome="loop"\} [1-9]/);
  // relaying is refused at RCPT
  await assert.rejects(smtp('someone@example.net', 'target@example.net', 'Subject: x\r\n\r\nx\r\n'), /relaying denied/);
});

test('ARF complaint to the FBL address: complaint event, marketing suppression, webhook; unattributable stored', async () => {
  const id = await sendOne('grumpy@example.org', 'spring');
  const arf = (mailFrom: string) =>
    [
      'From: Complaints <fbl@isp.example.net>',
      `To: fbl@${BOUNCE_DOMAIN}`,
      'Subject: FW: Hello',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=feedback-report; boundary="B"',
      '',
      '--B',
      'Content-Type: text/plain',
      '',
      'This is an email abuse report.',
      '--B',
      'Content-Type: message/feedback-report',
      '',
      'Feedback-Type: abuse',
      'User-Agent: ExampleFBL/1.0',
      'Version: 1',
      `Original-Mail-From: <${mailFrom}>`,
      'Original-Rcpt-To: <grumpy@example.org>',
      'Source-IP: 192.0.2.44',
      'Reported-Domain: shop.example.com',
      '',
      '--B',
      'Content-Type: message/rfc822',
      '',
      'From: news@shop.example.com',
      'To: grumpy@example.org',
      'Subject: Hello',
      '',
      'Hi',
      '--B--',
      '',
    ].join('\r\n');
  await smtp('fbl@isp.example.net', `fbl@${BOUNCE_DOMAIN}`, arf(verp(id)));
  const ev = (await listEvents(n.node.store, n.tenantId, { type: 'complaint', messageId: id }))[0];
  assert.ok(ev);
  assert.equal(ev.data.feedback_type, 'abuse');
  assert.equal(ev.data.source_ip, '192.0.2.44');
  const s = await suppressionsOf('grumpy@example.org');
  assert.deepEqual([s.length, s[0].scope, s[0].scope_value, s[0].reason, s[0].origin], [1, 'stream', 'marketing', 'complaint', 'recipient']);
  await waitFor('complaint webhook', () => received.find((e) => e.type === 'complaint' && e.message_id === id));
  // a transactional message to the complainer still goes (marketing-only suppression)
  const tx = await sendOne('grumpy@example.org');
  assert.equal((await listEvents(n.node.store, n.tenantId, { type: 'suppressed', messageId: tx })).length, 0);
  // no VERP of ours in the report: stored for the operator, nothing attributed
  await smtp('fbl@isp.example.net', `fbl@${BOUNCE_DOMAIN}`, arf('someone@elsewhere.example'));
  const un = await reports('unattributable');
  assert.ok(un.some((r) => r.kind === 'complaint' && r.summary.original_rcpt === 'grumpy@example.org'), JSON.stringify(un));
});

test('mailto unsubscribe through the MX (sent with swaks when installed)', async (t) => {
  const id = await sendOne('leaver@example.org', 'spring');
  const to = unsubscribeMailtoAddress(BOUNCE_DOMAIN, n.node.masterKey, id);
  const body = ['From: leaver@example.org', `To: ${to}`, 'Subject: unsubscribe', '', 'unsubscribe', ''].join('\r\n');
  if (existsSync('/usr/bin/swaks')) {
    await new Promise<void>((resolve, reject) =>
      execFile('swaks', ['--server', `127.0.0.1:${n.node.ports.mx}`, '--from', 'leaver@example.org', '--to', to, '--data', body, '--silent', '2'], (err) => (err ? reject(err) : resolve())),
    );
  } else {
    t.diagnostic('swaks not installed: sending with nodemailer');
    await smtp('leaver@example.org', to, body);
  }
  const ev = (await listEvents(n.node.store, n.tenantId, { type: 'unsubscribe', messageId: id }))[0];
  assert.equal(ev?.data.via, 'mailto');
  const s = await suppressionsOf('leaver@example.org');
  assert.deepEqual([s.length, s[0].scope, s[0].scope_value, s[0].reason], [1, 'stream', 'marketing', 'unsubscribe']);
  // a mailto address with a forged tag does nothing
  const forged = to.replace(/-([a-z2-7]{10})@/, '-aaaaaaaaaa@');
  await smtp('x@example.org', forged, body);
  assert.equal((await listEvents(n.node.store, n.tenantId, { type: 'unsubscribe' })).filter((e) => e.messageId === id).length, 1);
  await waitFor('unsubscribe webhook', () => received.find((e) => e.type === 'unsubscribe' && e.message_id === id));
});

test('a DSN with a 5 MB attachment is still parsed (only the head is kept)', async () => {
  const id = await sendOne('big@example.org');
  const blob = Buffer.alloc(5 * 1024 * 1024, 'A').toString('base64').replace(/.{76}/g, '$&\r\n');
  const extra = ['Content-Type: application/octet-stream', 'Content-Transfer-Encoding: base64', '', blob].join('\r\n');
  await smtp('', verp(id), dsn({ to: verp(id), rcpt: 'big@example.org', status: '5.1.1', diag: '550 5.1.1 No such user', extra }));
  const ev = (await listEvents(n.node.store, n.tenantId, { type: 'bounce', messageId: id }))[0];
  assert.equal(ev?.data.hard, true);
  // order on the webhook: events of this endpoint arrive in id order
  const ids = received.map((e) => BigInt(e.id));
  assert.deepEqual(ids, [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
});

test('a bounce to a tenant return-path host (rp.<domain>) is accepted for a valid VERP tag only', async () => {
  const rpAddr = verp(987654).replace(/@.*$/, '@rp.shop.test');
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: n.node.ports.mx, secure: false, ignoreTLS: true } as never);
  // the tag is ours: RCPT accepted (the message itself is unknown, which the MX records)
  const info = await t.sendMail({ envelope: { from: '', to: rpAddr }, raw: 'From: MAILER-DAEMON@example.net\r\nTo: x\r\nSubject: Undelivered\r\n\r\nbounce\r\n' });
  assert.match(info.response, /^250/);
  // another local part at that host is relaying: refused
  await assert.rejects(() => t.sendMail({ envelope: { from: 'a@example.net', to: 'someone@rp.shop.test' }, raw: 'Subject: x\r\n\r\ny\r\n' }), (e: any) => e.responseCode === 550);
});
