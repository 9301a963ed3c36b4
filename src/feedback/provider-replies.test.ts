// Replies as the big mailbox providers word them (from their public postmaster pages and
// widely published bounce logs), none of them from the evaluation corpus: a check that the
// phrase families generalise beyond the texts they were tuned on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyReply } from './classify.ts';

// [reply, expected reason, SMTP command it answered (the MTA always knows it)]
const REPLIES: [string, string, string?][] = [
  // Gmail
  ['550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient\'s email address', 'userunknown'],
  ['552-5.2.2 The email account that you tried to reach is over quota. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaPerm', 'mailboxfull'],
  ['550-5.7.1 [192.0.2.1] Our system has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked.', 'spamdetected'],
  ['550-5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM.', 'authfailure'],
  ['550-5.7.25 [192.0.2.1] The IP address sending this message does not have a PTR record setup, or the corresponding forward DNS entry does not point to the sending IP.', 'requireptr'],
  ['550-5.7.1 The user or domain that you are sending to (or from) has a policy that prohibited the mail that you sent.', 'policyviolation'],
  ['552-5.2.3 Your message exceeded Google\'s message size limits.', 'emailtoolarge'],
  ['550 5.2.1 The email account that you tried to reach is disabled.', 'suspend'],
  ['421-4.7.0 TLS required for RCPT domain, closing connection.', 'failedstarttls'],
  ['550-5.7.1 Messages with multiple addresses in From: header are not accepted.', 'notcompliantrfc'],
  // Microsoft
  ['550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302)', 'userunknown'],
  ['550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup', 'userunknown'],
  ['550 5.4.1 Recipient address rejected: Access denied. AS(201806281)', 'userunknown'],
  ['550 5.7.1 Unfortunately, messages from [192.0.2.1] weren\'t sent. Please contact your Internet service provider since part of their network is on our block list (S3150).', 'blocked'],
  ['550 5.7.606 Access denied, banned sending IP [192.0.2.1]. To request removal from this list please visit https://sender.office.com/', 'blocked'],
  ['550 5.7.509 Access denied, sending domain example.com does not pass DMARC verification and has a DMARC policy of reject.', 'authfailure'],
  ['554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException', 'mailboxfull'],
  // Yahoo / AOL
  ["554 delivery error: dd This user doesn't have a yahoo.com account (nobody@yahoo.com) [0] - mta1001.mail.gq1.yahoo.com", 'userunknown'],
  ['552 1 Requested mail action aborted, mailbox not found', 'userunknown', 'RCPT'],
  ['553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.1, because the ip is in Spamhaus\'s list; see https://postmaster.yahooinc.com/error-codes', 'blocked'],
  ['554 5.7.9 Message not accepted for policy reasons. See https://postmaster.yahooinc.com/error-codes', 'policyviolation'],
  ['550 5.7.9 This mail has been blocked because the sender is unauthenticated. Yahoo requires all senders to authenticate with either SPF or DKIM.', 'authfailure'],
  ['554 30 Sorry, your message size exceeds 41943040 bytes.', 'emailtoolarge'],
  // Apple iCloud / Proofpoint / Barracuda / Mimecast
  ['554 5.7.1 [CS01] Message rejected due to local policy. Please visit https://support.apple.com/en-us/HT204137', 'policyviolation'],
  ['554 5.7.1 Blocked - see https://ipcheck.proofpoint.com/?ip=192.0.2.1', 'blocked'],
  ['554 Service unavailable; Client host [192.0.2.1] blocked using Barracuda Reputation; http://www.barracudanetworks.com/reputation/?pr=1&ip=192.0.2.1', 'blocked'],
  // Mimecast documents this 554 as its signature (anti-virus) scanner's verdict.
  ['554 Email rejected due to security policies - https://community.mimecast.com/docs/DOC-1369#554', 'virusdetected'],
  // GMX / web.de / T-Online
  ['550 Requested action not taken: mailbox unavailable', 'userunknown', 'RCPT'],
  ['554-Transaction failed Reject due to policy restrictions.', 'policyviolation'],
  ['552 Requested mail action aborted: exceeded storage allocation', 'mailboxfull'],
  ['554-No SMTP service 554-IP address is block listed. For explanation visit https://www.gmx.net/mail/senderguidelines', 'blocked'],
  ['554 IP=192.0.2.1 - A problem occurred. (Ask your postmaster for help or to contact tosa@rx.t-online.de to clarify.)', 'blocked'],
  ['550 5.7.0 Mail rejected due to spam or virus classification', 'spamdetected'],
  // Orange / Free / Mail.ru / Yandex
  ['550 5.5.0 Adresse destinataire invalide. Invalid recipient. LPN007_416', 'userunknown'],
  // Orange's own code decides: 417 is "recipient over quota", 416 "invalid recipient".
  ['552 5.1.1 Boite du destinataire pleine. Recipient overquota. OFR_417 [417]', 'mailboxfull'],
  ['550 mwinf5c40 ME Adresse IP source bloquee pour incident de spam. Client host blocked for spamming issues. OFR006_102', 'blocked'],
  ['550 5.1.1 <x@free.fr>: Recipient address rejected: free.fr MAILBOX NOT FOUND', 'userunknown'],
  ['550 Message was not accepted -- invalid mailbox. Local mailbox nobody@mail.ru is unavailable: user not found', 'userunknown', 'RCPT'],
  ['550 5.7.1 No such user!', 'userunknown', 'RCPT'],
  ['552 5.2.2 Mailbox size limit exceeded', 'mailboxfull'],
  ['554 5.7.1 [2] Message rejected under suspicion of SPAM; https://ya.cc/1IrBc', 'spamdetected'],
];

test('provider replies are classified by their phrase families', () => {
  const wrong: string[] = [];
  for (const [text, want, command] of REPLIES) {
    const got = classifyReply({ text, command }).reason;
    if (got !== want) wrong.push(`${want} <- ${got}: ${text}`);
  }
  assert.deepEqual(wrong, []);
});

// Provider-aware rules (rules/provider-rules.ts): replies as the providers' published error
// pages word them, with the host the MTA was talking to. None from the evaluation corpus.
const BY_HOST: [string, string, { hosts?: string[]; command?: string; enhanced?: string }][] = [
  // Cox publishes its AUP# codes; the code outranks the words around it.
  ['554 5.7.1 cxr.mx.a.cloudfilter.net cox.net rejected. IP blocked. AUP#CXBL', 'blocked', { hosts: ['cxr.mx.a.cloudfilter.net'] }],
  ['421 4.7.0 Too many sessions from this IP. AUP#CXCNCT', 'ratelimited', {}],
  ['550 5.7.1 Message rejected, URL in the body is blocklisted AUP#URLBL1001', 'spamdetected', {}],
  // Spectrum/Charter: numeric AUP# codes in documented ranges.
  ['421 4.7.0 cmsmtp 192.0.2.1 blocked AUP#In-1340', 'ratelimited', { hosts: ['mx0.charter.net'] }],
  ['550 5.7.1 dnvrco-cmimta 192.0.2.1 has no reverse DNS AUP#I-1120', 'requireptr', {}],
  ['554 5.7.1 IP listed by Spamhaus AUP#I-1230', 'blocked', {}],
  // GoDaddy (secureserver.net) IB codes, only when GoDaddy is the host.
  ['554 Connection refused. This IP has a poor reputation on Cloudmark Sender Intelligence (CSI). IB103', 'badreputation', { hosts: ['smtp.secureserver.net'] }],
  ['550 Invalid SPF record. Inspect your SPF settings, and try again. IB508', 'authfailure', { hosts: ['mailstore1.secureserver.net'] }],
  // Orange / La Poste codes.
  ['550 5.5.0 Le compte du destinataire est bloque. The recipient account isblocked. LPN007_426', 'suspend', {}],
  ['421 mwinf5c20 ME Trop de connexions, veuillez verifier votre configuration. Too many connections, slow down. OFR005_104 [104]', 'ratelimited', {}],
  // NTT DOCOMO: "Unknown user" at RCPT is the mailbox; after DATA it is the reception filter.
  ['550 Unknown user nobody@docomo.ne.jp', 'userunknown', { hosts: ['mfsmax.docomo.ne.jp'], command: 'RCPT' }],
  ['550 Unknown user nobody@docomo.ne.jp', 'rejected', { hosts: ['mfsmax.docomo.ne.jp'], command: 'DATA', enhanced: '5.0.0' }],
  // KDDI au: the address in the reply tells the mailbox apart from the filter.
  ['550 <nobody@ezweb.ne.jp>: User unknown', 'userunknown', { hosts: ['ezweb.ne.jp'] }],
  ['550 : User unknown', 'filtered', { hosts: ['lsean.ezweb.ne.jp'] }],
  // MessageLabs validates recipients; Mimecast's "security policies" is its virus scanner.
  ['550-Invalid recipient <nobody@example.com> 550 (#5.1.1)', 'userunknown', { hosts: ['cluster1.eu.messagelabs.com'] }],
  ['554 Email rejected due to security policies - https://community.mimecast.com/docs/DOC-1369#554', 'virusdetected', { hosts: ['eu-smtp-inbound-1.mimecast.com'] }],
];

test('provider-aware rules read replies by the provider that sent them', () => {
  const wrong: string[] = [];
  for (const [text, want, ctx] of BY_HOST) {
    const got = classifyReply({ text, ...ctx }).reason;
    if (got !== want) wrong.push(`${want} <- ${got}: ${text}`);
  }
  assert.deepEqual(wrong, []);
});

test('a provider code shape from another host is not read as that provider', () => {
  // "IB103" from a host that is not GoDaddy's says nothing.
  assert.notEqual(classifyReply({ text: '554 rejected IB103', hosts: ['mx.example.net'] }).reason, 'badreputation');
  // "Unknown user" after DATA from an ordinary host stays the generic reading.
  assert.equal(classifyReply({ text: '550 Unknown user', command: 'DATA', enhanced: '5.0.0', hosts: ['mx.example.net'] }).reason, 'filtered');
});
