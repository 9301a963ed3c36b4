import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseBounce } from './bounce.ts';

const fx = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

test('RFC 3464 DSN with two recipients: per-recipient reason, status, reply and original headers', () => {
  const r = parseBounce(fx('dsn-postfix-two-recipients.eml'));
  assert.equal(r.isBounce, true);
  assert.equal(r.kind, 'dsn');
  assert.equal(r.recipients.length, 2);
  const [a, b] = r.recipients;
  assert.equal(a.address, 'alice@example.org');
  assert.equal(a.reason, 'userunknown');
  assert.equal(a.hard, true);
  assert.equal(a.enhanced, '5.1.1');
  assert.equal(a.code, 550);
  assert.equal(a.remoteMta, 'mx.example.org');
  assert.match(a.reply, /User unknown in virtual mailbox table/);
  assert.equal(b.address, 'bob@example.org');
  assert.equal(b.reason, 'mailboxfull');
  assert.equal(b.hard, false);
  assert.equal(b.enhanced, '5.2.2');
  assert.equal(b.code, 552);
  assert.equal(r.originalMessageId, '<msg-100@relais.example.com>');
  assert.equal(r.originalHeaders?.['x-relais-message-id'], '100');
});

test('qmail text bounce without a delivery-status part', () => {
  const r = parseBounce(fx('qmail-text.eml'));
  assert.equal(r.kind, 'dsn');
  assert.deepEqual(
    r.recipients.map((x) => [x.address, x.reason, x.hard, x.enhanced, x.code]),
    [['carol@example.org', 'userunknown', true, '5.1.1', 550]],
  );
  assert.equal(r.originalMessageId, '<msg-200@relais.example.com>');
});

test('Exim text bounce: blocklisted sending IP is a soft "blocked"', () => {
  const r = parseBounce(fx('exim-text.eml'));
  assert.equal(r.recipients.length, 1);
  assert.equal(r.recipients[0].address, 'dave@example.org');
  assert.equal(r.recipients[0].reason, 'blocked');
  assert.equal(r.recipients[0].hard, false);
  assert.equal(r.recipients[0].command, 'RCPT');
  assert.equal(r.originalMessageId, '<msg-300@relais.example.com>');
});

test('auto-replies are vacation, not bounces; ordinary mail is not a bounce', () => {
  const v = parseBounce(fx('vacation.eml'));
  assert.equal(v.isBounce, false);
  assert.equal(v.kind, 'vacation');
  const n = parseBounce(fx('not-bounce.eml'));
  assert.equal(n.isBounce, false);
  assert.equal(n.kind, 'not-bounce');
  assert.equal(n.recipients.length, 0);
});

test('a complaint report is feedback, not a bounce', () => {
  const r = parseBounce(fx('arf-abuse.eml'));
  assert.equal(r.isBounce, false);
  assert.equal(r.kind, 'feedback');
  assert.equal(r.feedbackType, 'abuse');
  assert.equal(r.recipients[0].address, 'grace@isp.example.net');
  assert.equal(r.recipients[0].reason, 'feedback');
});

test('line endings do not matter (CRLF and CR-only)', () => {
  const lf = fx('dsn-postfix-two-recipients.eml').toString('latin1');
  for (const eol of ['\r\n', '\r']) {
    const r = parseBounce(lf.replace(/\n/g, eol));
    assert.deepEqual(r.recipients.map((x) => x.reason), ['userunknown', 'mailboxfull']);
  }
});

test('malformed input never throws and says why', () => {
  const inputs: (string | Buffer)[] = [
    '',
    '\n\n\n',
    Buffer.from([0, 1, 2, 255, 254, 0, 10, 10, 13]),
    'Content-Type: multipart/report; report-type=delivery-status; boundary=x\n\n--x\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822;\nAction: failed\n--x--',
    'Content-Type: multipart/report; boundary="never-used"\nFrom: MAILER-DAEMON@x.example\n\nno parts here',
    'Content-Type: message/delivery-status\n\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550',
    'From: MAILER-DAEMON@x.example\nSubject: Undelivered Mail\nContent-Transfer-Encoding: base64\n\n!!!not base64!!!',
  ];
  for (const raw of inputs) {
    const r = parseBounce(raw);
    assert.equal(typeof r.isBounce, 'boolean');
    if (!r.isBounce) assert.ok(r.why || r.kind !== 'dsn', 'a non-bounce says why');
  }
});

test('multipart bombs: deep nesting and thousands of parts are cut off, in bounded time', () => {
  let deep = 'From: MAILER-DAEMON@x.example\nSubject: Undelivered\nContent-Type: multipart/mixed; boundary=b0\n\n';
  for (let i = 0; i < 5000; i++) deep += `--b${i}\nContent-Type: multipart/mixed; boundary=b${i + 1}\n\n`;
  let t0 = performance.now();
  let r = parseBounce(deep);
  assert.ok(performance.now() - t0 < 3000, 'deep nesting took too long');
  assert.ok(r.truncated?.includes('depth'));

  let wide = 'From: MAILER-DAEMON@x.example\nSubject: Undelivered\nContent-Type: multipart/mixed; boundary=w\n\n';
  for (let i = 0; i < 20000; i++) wide += `--w\nContent-Type: text/plain\n\nFinal-Recipient: rfc822; u${i}@example.org\nAction: failed\nStatus: 5.1.1\n\n`;
  wide += '--w--\n';
  t0 = performance.now();
  r = parseBounce(wide);
  assert.ok(performance.now() - t0 < 3000, 'wide multipart took too long');
  assert.ok(r.truncated?.includes('parts'));
  assert.ok(r.recipients.length <= 500);
});

test('a huge attachment is skipped, not decoded whole', () => {
  const dsn = fx('dsn-postfix-two-recipients.eml').toString('latin1');
  const big = `\n--4F2A11C0A1.1700000000/mta1.example.net\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n${'QUFB'.repeat(19 * 1024 * 1024 / 4).replace(/(.{76})/g, '$1\n')}\n`;
  const raw = dsn.replace('--4F2A11C0A1.1700000000/mta1.example.net--', `${big}--4F2A11C0A1.1700000000/mta1.example.net--`);
  const t0 = performance.now();
  const r = parseBounce(raw);
  assert.ok(performance.now() - t0 < 5000);
  assert.deepEqual(r.recipients.map((x) => x.reason), ['userunknown', 'mailboxfull']);
  assert.ok(r.truncated?.includes('size'));
});

test('adversarial text (long tokens, address floods, unclosed tags) is parsed in linear time', () => {
  const head = 'From: MAILER-DAEMON@x.example\nSubject: Undelivered Mail\n';
  const cases = [
    `${head}\n${'a'.repeat(250_000)}\n`,
    `${head}\na@${'b-'.repeat(120_000)}\n`,
    `${head}Content-Type: text/html\n\n${'<style>'.repeat(30_000)}\n`,
    `${head}\n${'u@example.org '.repeat(20_000)}\n`,
    `${head}\n${'<u@example.org>:\n550 user unknown\n'.repeat(8_000)}\n`,
    `${head}Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; ${'>'.repeat(200_000)}x\nAction: failed\n--b--\n`,
  ];
  for (const raw of cases) {
    const t0 = performance.now();
    const r = parseBounce(raw);
    assert.ok(performance.now() - t0 < 2000, `took ${performance.now() - t0} ms`);
    assert.ok(r.recipients.length <= 500);
  }
});

// Inline messages (hand-written, shaped like the MTAs' own templates) for the MTA-aware parsing.
const mail = (headers: string, body: string) => Buffer.from(`${headers.trim()}\r\n\r\n${body.replace(/\n/g, '\r\n')}`);

test('PowerMTA bounce category beside a DSN recipient is the MTA\'s own verdict', () => {
  const r = parseBounce(
    mail(
      'From: MAILER-DAEMON@pmta.example.net\nTo: b+1@bounce.example.com\nSubject: Delivery report\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="B"',
      '--B\nContent-Type: text/plain\n\nDelivery failed.\n--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns;pmta.example.net\n\nFinal-Recipient: rfc822;gone@example.jp\nAction: failed\nStatus: 5.2.1\nDiagnostic-Code: smtp;550 5.2.1 <gone@example.jp>... User Unknown\nX-PowerMTA-BounceCategory: inactive-mailbox\n--B--\n',
    ),
  );
  assert.deepEqual(r.recipients.map((x) => [x.address, x.reason]), [['gone@example.jp', 'suspend']]);
});

test('Dovecot LDA rejection text in the human part comes with the remote diagnostic', () => {
  const r = parseBounce(
    mail(
      'From: MAILER-DAEMON@mx.example.org\nTo: b+1@bounce.example.com\nSubject: Returned mail\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="B"',
      '--B\nContent-Type: text/plain\n\nYour message to <full@example.org> was automatically rejected:\nQuota exceeded (mailbox for user is full)\n--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; full@example.org\nAction: failed\nStatus: 5.2.0\nDiagnostic-Code: smtp; 550 5.2.0 Rejected\n--B--\n',
    ),
  );
  assert.equal(r.recipients[0]?.reason, 'mailboxfull');
});

test('Postfix SMTP-server transcript: the RCPT TO addresses get the first 4xx/5xx, with its command', () => {
  const r = parseBounce(
    mail(
      'From: MAILER-DAEMON@mx.example.com (Mail Delivery System)\nTo: postmaster@mx.example.com\nSubject: Postfix SMTP server: errors from relay.example.net[192.0.2.9]',
      'Transcript of session follows.\n\n Out: 220 mx.example.com ESMTP\n In:  EHLO relay.example.net\n Out: 250 mx.example.com\n In:  MAIL FROM:<b+1@bounce.example.com>\n Out: 250 2.1.0 Ok\n In:  RCPT TO:<ann@example.com>\n Out: 250 2.1.5 Ok\n In:  DATA\n Out: 354 End data with <CR><LF>.<CR><LF>\n Out: 452 4.3.1 Insufficient system storage\n In:  QUIT\n Out: 221 2.0.0 Bye\n',
    ),
  );
  assert.deepEqual(r.recipients.map((x) => [x.address, x.reason, x.command]), [['ann@example.com', 'systemfull', 'DATA']]);
});

test('a refusal from Google Groups in any language is the group refusing the sender', () => {
  const r = parseBounce(
    mail(
      'From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nTo: sender@example.org\nSubject: Delivery Status Notification (Failure)\nX-Failed-Recipients: team@googlegroups.com\nContent-Type: text/plain; charset=utf-8',
      'Bonjour sender@example.org,\nLe groupe que vous avez essayé de contacter (team) n\'existe peut-être pas.\n',
    ),
  );
  assert.deepEqual(r.recipients.map((x) => [x.address, x.reason, x.hard]), [['team@googlegroups.com', 'rejected', false]]);
});

test('address lines followed by their error on the same line; quoted Message-IDs and pipe paths are not recipients', () => {
  const r = parseBounce(
    mail(
      'From: MAILER-DAEMON@mx.example.net\nTo: sender@example.org\nSubject: Undelivered Mail Returned to Sender',
      'A message that you sent could not be delivered to one or more of its recipients. This is a permanent error.\n\nann@example.co.jp Invalid Address, ERROR_CODE :550, ERROR_CODE :5.2.2 <ann@example.co.jp>... Mailbox Full\nbob@example.co.jp Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 <bob@example.co.jp>... User Unknown, in reply to RCPT TO\n\nReceived:from mail.example.net by mx.example.net\nMessage-ID:<1234.5678@mail.example.net>\nDate:Fri, 12 Dec 2014 10:48:22 +0000\nSubject:Hello\n',
    ),
  );
  assert.deepEqual(r.recipients.map((x) => [x.address, x.reason]), [
    ['ann@example.co.jp', 'mailboxfull'],
    ['bob@example.co.jp', 'userunknown'],
  ]);
  const q = parseBounce(
    mail(
      'From: MAILER-DAEMON@mx.example.net\nTo: sender@example.org\nSubject: Returned mail: see transcript for details',
      '> Message-Id: <200904290210.1111@mx.example.jp>\n> The original message was received at Thu, 29 Apr 2009\n> ----- The following addresses had permanent fatal errors -----\n> failed to deliver to /home/user/.forward/carol@example.com: permission denied\n> carol@example.com (reason: 550 5.1.1 User unknown)\n',
    ),
  );
  assert.deepEqual(q.recipients.map((x) => x.address), ['carol@example.com']);
});

test('a Google Workspace group on its own domain refusing a post is "rejected" too', () => {
  const r = parseBounce(
    mail(
      'From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nTo: sender@example.org\nSubject: Delivery Status Notification (Failure)\nX-Failed-Recipients: equipo@example.es\nContent-Type: text/plain; charset=utf-8',
      'Hola, sender@example.org:\nEl grupo con el que has intentado ponerte en contacto (equipo) quizás no exista o no tienes permiso para publicar.\nVisita el Centro de ayuda en https://groups.google.com/support/.\nGracias,\nGoogle Groups\n',
    ),
  );
  assert.deepEqual(r.recipients.map((x) => [x.address, x.reason]), [['equipo@example.es', 'rejected']]);
});
