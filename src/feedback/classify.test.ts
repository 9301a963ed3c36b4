import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyReply, findEnhanced, findReplyCode } from './classify.ts';
import { isHard } from './taxonomy.ts';

const TABLE: { reply: { code?: number; enhanced?: string; text: string; command?: string }; reason: string; hard: boolean }[] = [
  { reply: { code: 550, text: '550 5.1.1 <a@example.org>: Recipient address rejected: User unknown in local recipient table' }, reason: 'userunknown', hard: true },
  { reply: { text: "550-5.1.1 The email account that you tried to reach does not exist. Please try\n550-5.1.1 double-checking the recipient's email address for typos or\n550 5.1.1 unnecessary spaces." }, reason: 'userunknown', hard: true },
  { reply: { code: 552, text: '552 5.2.2 Mailbox full' }, reason: 'mailboxfull', hard: false },
  { reply: { code: 554, text: '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org' }, reason: 'blocked', hard: false },
  { reply: { text: "550-5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy." }, reason: 'authfailure', hard: false },
  { reply: { text: '421 4.7.0 Too many concurrent SMTP connections; please try again later' }, reason: 'ratelimited', hard: false },
  { reply: { text: '550 5.7.25 Reverse DNS validation failed' }, reason: 'requireptr', hard: false },
  { reply: { text: '556 5.1.10 Recipient address has null MX' }, reason: 'notaccept', hard: true },
  { reply: { code: 450, text: '450 4.1.10 domain accepts no mail' }, reason: 'notaccept', hard: false },
  { reply: { text: '552 5.3.4 Message size exceeds fixed maximum message size' }, reason: 'emailtoolarge', hard: false },
  { reply: { text: '554 5.7.1 <x@example.org>: Relay access denied' }, reason: 'norelaying', hard: false },
  { reply: { text: '553 5.1.8 <s@example.invalid>... Domain of sender address s@example.invalid does not exist' }, reason: 'rejected', hard: false },
  { reply: { text: '550 Unknown user', command: 'DATA' }, reason: 'filtered', hard: false },
  { reply: { text: '550 Unknown user', command: 'RCPT' }, reason: 'userunknown', hard: true },
  { reply: { text: '550 5.2.1 The email account that you tried to reach is disabled.' }, reason: 'suspend', hard: false },
  { reply: { text: '554 5.7.1 Message rejected: this message looks like spam' }, reason: 'spamdetected', hard: false },
  { reply: { text: '554 5.7.0 Message rejected: virus found in attachment' }, reason: 'virusdetected', hard: false },
  { reply: { text: '530 5.7.0 Must issue a STARTTLS command first' }, reason: 'failedstarttls', hard: false },
  { reply: { text: '452 4.3.1 Insufficient system storage' }, reason: 'systemfull', hard: false },
  { reply: { text: 'Host or domain name not found. Name service error for name=example.invalid type=A: Host not found' }, reason: 'hostunknown', hard: true },
  { reply: { text: '250 2.0.0 OK' }, reason: 'delivered', hard: false },
  { reply: { text: '' }, reason: 'undefined', hard: false },
  { reply: { text: '599 something nobody has ever said' }, reason: 'onhold', hard: false },
];

test('classifyReply table', () => {
  for (const row of TABLE) {
    const got = classifyReply(row.reply);
    assert.equal(got.reason, row.reason, `${JSON.stringify(row.reply.text)} -> ${got.reason}`);
    assert.equal(got.hard, row.hard, `${JSON.stringify(row.reply.text)} hard`);
  }
});

test('classifyReply reports the codes it saw', () => {
  const r = classifyReply({ text: '550 5.1.1 <a@example.org>: User unknown' });
  assert.equal(r.code, 550);
  assert.equal(r.enhanced, '5.1.1');
  assert.equal(classifyReply({ code: 451, enhanced: '4.3.0', text: 'temporary local problem' }).enhanced, '4.3.0');
});

test('status and reply code extraction ignores IP addresses', () => {
  assert.equal(findEnhanced('host [10.5.2.13] said: 550 5.7.1 no'), '5.7.1');
  assert.equal(findEnhanced('connect to 192.0.2.153 failed'), undefined);
  assert.equal(findReplyCode('host mx[192.0.2.1] said: 451 4.3.0 try later'), 451);
});

test('hard bounces are exactly userunknown, hostunknown, hasmoved and permanent notaccept', () => {
  for (const r of ['userunknown', 'hostunknown', 'hasmoved']) assert.equal(isHard(r), true);
  for (const r of ['mailboxfull', 'blocked', 'filtered', 'suspend', 'expired']) assert.equal(isHard(r, 550, '5.0.0'), false);
  assert.equal(isHard('notaccept', 556, '5.1.10'), true);
  assert.equal(isHard('notaccept', 421, '4.3.2'), false);
});

test('a pathological reply is classified in bounded time', () => {
  const t0 = performance.now();
  const r = classifyReply({ text: `550 ${'a '.repeat(200_000)}user unknown` });
  assert.ok(performance.now() - t0 < 2000);
  assert.ok(typeof r.reason === 'string');
});
