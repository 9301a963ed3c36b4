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

// Exchange Online / Outlook.com NDRs as Microsoft's NDR reference words them (status code and
// text), sent by a Microsoft host. Not from the evaluation corpus.
const MICROSOFT: [string, string][] = [
  ['451 4.7.26 Access denied, a message sent over IPv6 [2001:db8::1] must pass either SPF or DKIM validation, this message is not signed', 'authfailure'],
  ['550 5.7.23 The message was rejected because of Sender Policy Framework violation', 'authfailure'],
  ['550 5.7.509 Access denied, sending domain EXAMPLE.COM does not pass DMARC verification and has a DMARC policy of reject.', 'authfailure'],
  ["550 5.7.515 Access denied, sending domain EXAMPLE.JP doesn't meet the required authentication level.", 'authfailure'],
  ['451 4.7.650 The mail server [192.0.2.5] has been temporarily rate limited due to IP reputation. (S775)', 'badreputation'],
  ['421 4.4.2 Connection dropped', 'blocked'],
  ['451 4.7.850 Access denied, please try again later', 'blocked'],
  ['550 5.7.506 Access denied, bad HELO', 'blocked'],
  ['550 5.7.507 Access denied, rejected by recipient', 'blocked'],
  ['550 5.7.510 Access denied, example.com does not accept email over IPv6', 'blocked'],
  ['550 5.7.511 Access denied, banned sender', 'blocked'],
  ['550 5.7.513 Service unavailable, Client host [192.0.2.1] blocked by example.com using Customer Block list (AS16012607)', 'blocked'],
  ['550 5.7.606 Access denied, banned sending IP [192.0.2.1]', 'blocked'],
  ["550 5.7.1 Unfortunately, messages from [192.0.2.5] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).", 'blocked'],
  ['554 5.3.0 Too many related errors', 'contenterror'],
  ['552 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient', 'emailtoolarge'],
  ['552 5.3.4 Message size exceeds fixed maximum message size', 'emailtoolarge'],
  ['450 4.4.7 Message delayed', 'expired'],
  ['550 4.4.7 QUEUE.Expired; message expired', 'expired'],
  ['550 5.4.300 Message expired', 'expired'],
  ['451 4.4.8 MX hosts of example.com failed MTA-STS validation', 'failedstarttls'],
  ['451 5.4.317 STARTTLS is required to send mail', 'failedstarttls'],
  ['550 5.7.322 certificate-expired: Destination mail server\'s certificate is expired', 'failedstarttls'],
  ['550 5.2.2 STOREDRV.Deliver; mailbox full', 'mailboxfull'],
  ['550 5.4.4 SMTPSEND.DNS.NonExistentDomain; nonexistent domain', 'hostunknown'],
  ['554 5.4.6 Hop count exceeded - possible mail loop', 'networkerror'],
  ['450 4.4.312 DNS query failed', 'networkerror'],
  ['550 5.4.316 Message expired, connection refused (Socket error code 10061)', 'expired'],
  ['554 5.4.14 Hop count exceeded - possible mail loop ATTR34 routing loop detected', 'networkerror'],
  ['550 5.7.1 Unable to relay', 'norelaying'],
  ['550 5.7.64 TenantAttribution; Relay Access Denied', 'norelaying'],
  ['550 5.7.1 Client was not authenticated', 'securityerror'],
  ['421 4.3.2 System not accepting network messages', 'notaccept'],
  ['550 5.0.350 Requested action not taken: policy violation detected (AS345)', 'policyviolation'],
  ['550 5.7.901 Delivery not authorized, message refused', 'policyviolation'],
  ['550 5.1.7 Invalid address', 'rejected'],
  ['550 5.1.7 Unknown sender address', 'rejected'],
  ['550 5.1.0 Sender denied', 'rejected'],
  ['550 5.1.8 Access denied, bad outbound sender', 'rejected'],
  ['550 5.7.1 Delivery not authorized, message refused', 'rejected'],
  ['550 5.7.12 Sender was not authenticated by organization', 'rejected'],
  ['550 5.7.124 Sender not in allowed-senders list', 'rejected'],
  ['550 5.7.133 Sender not authenticated for group', 'rejected'],
  ['550 5.7.501 Access denied, spam abuse detected', 'rejected'],
  ['550 5.7.750 Service unavailable. Client blocked from sending from unregistered domains', 'rejected'],
  ['550 5.7.57 Client was not authenticated to send anonymous mail during MAIL FROM', 'securityerror'],
  ['550 5.2.1 Content Filter agent quarantined this message', 'spamdetected'],
  ['432 4.3.2 STOREDRV.Deliver; recipient thread limit exceeded', 'ratelimited'],
  ['451 4.7.652 The mail server [192.0.2.1] has exceeded the maximum number of connections. (S3115)', 'ratelimited'],
  ['550 5.1.90 Your message can\'t be sent because you\'ve reached your daily limit for message recipients', 'ratelimited'],
  ['554 5.2.2 Submission quota exceeded', 'ratelimited'],
  ["550 5.2.121 Recipient's per hour message receive limit from specific sender exceeded", 'ratelimited'],
  ['550 5.7.508 Access denied, [192.0.2.1] has exceeded permitted limits within /64 range', 'ratelimited'],
  ['550 5.7.705 Access denied, tenant has exceeded threshold', 'ratelimited'],
  ['550 5.7.505 Access denied, banned recipient', 'suspend'],
  ['550 5.2.1 Mailbox cannot be accessed', 'suspend'],
  ['500 5.3.3 Unrecognized command', 'syntaxerror'],
  ['503 5.5.2 Send hello first', 'syntaxerror'],
  ['421 4.3.2 Service not available', 'systemerror'],
  ['554 5.3.5 System incorrectly configured', 'systemerror'],
  ['451 4.4.22 Message failed to be replicated: no healthy peers found', 'systemerror'],
  ['451 4.7.500 Server busy. Please try again later from [192.0.2.2]. (AS761)', 'systemerror'],
  ['451 4.7.700 PFA agent busy, please try again.', 'systemerror'],
  ['452 4.3.1 Insufficient system resources', 'systemfull'],
  ['550 5.1.1 RESOLVER.ADR.ExRecipNotFound; not found', 'userunknown'],
  ['550 5.1.1 User unknown', 'userunknown'],
  ['550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup', 'userunknown'],
];

test('Microsoft NDRs are read with the meaning Microsoft documents', () => {
  const wrong: string[] = [];
  for (const [text, want] of MICROSOFT) {
    const got = classifyReply({ text, hosts: ['example-com.mail.protection.outlook.com'] }).reason;
    if (got !== want) wrong.push(`${want} <- ${got}: ${text}`);
  }
  assert.deepEqual(wrong, []);
});

// Gmail / Google Workspace replies as Google's "SMTP error messages" reference words them, from a
// Google MX. Not from the evaluation corpus.
const GOOGLE: [string, string][] = [
  ['451 4.7.24 The SPF record of the sending domain has one or more suspicious entries. To protect our users from spam, mail sent from your IP address has been temporarily rate limited.', 'authfailure'],
  ['421 4.7.26 This mail has been rate limited because it is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM.', 'authfailure'],
  ['550 5.7.26 This message fails to pass SPF checks for an SPF record with a hard fail policy (-all).', 'authfailure'],
  ["451 4.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy, but temporary DNS failures prevent authentication.", 'authfailure'],
  ['550 5.7.26 This message does not have authentication information or fails to pass authentication checks (SPF or DKIM).', 'authfailure'],
  ["421 4.7.27 Your email has been rate limited because SPF authentication didn't pass for this message. Gmail requires all bulk email senders to authenticate their email with SPF.", 'authfailure'],
  ["421 4.7.30 Your email has been rate limited because DKIM authentication didn't pass for this message. Gmail requires all email bulk senders to authenticate their email with DKIM.", 'authfailure'],
  ['550 5.7.30 This mail has been blocked because DKIM does not pass. Gmail requires all large senders to authenticate with DKIM.', 'authfailure'],
  ["421 4.7.32 Your email has been rate limited because the From: header (RFC5322) in this message isn't aligned with either the authenticated SPF or DKIM organizational domain.", 'authfailure'],
  ["421 4.7.40 Your email has been rate limited because the sending domain doesn't have a DMARC record, or the DMARC record doesn't specify a DMARC policy. Gmail requires all bulk email senders to add a DMARC record to their sending domain.", 'authfailure'],
  ['421 4.7.0 This message is suspicious due to the very low reputation of the sending IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited.', 'badreputation'],
  ['550 5.7.1 Our system has detected that this message is likely suspicious due to the very low reputation of the sending domain. To best protect our users from spam, the message has been blocked.', 'badreputation'],
  ['421 4.7.0 IP not in whitelist for RCPT domain, closing connection.', 'blocked'],
  ['421 4.7.0 Try again later, closing connection.', 'blocked'],
  ['501 5.5.4 HELO/EHLO argument is invalid.', 'blocked'],
  ['421 4.7.28 Gmail has detected an unusual rate of mail originating from your IP address 192.0.2.1. To protect our users from spam, mail has been temporarily rate limited.', 'blocked'],
  ['550 5.7.28 There is an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been blocked.', 'blocked'],
  ["552 5.2.3 Your message exceeded Google's message size limits.", 'emailtoolarge'],
  ["552 5.3.4 The number of attachments (120) exceeds Google's limit of 100 attachments.", 'emailtoolarge'],
  ["552 5.3.4 The size of the Subject header value (20000 bytes) exceeds Google's limit of 10000 bytes per individual header size.", 'emailtoolarge'],
  ['421 4.7.0 Connection expired, try reconnecting.', 'expired'],
  ['451 4.4.2 Timeout - closing connection.', 'expired'],
  ['530 5.7.0 Must issue a STARTTLS command first.', 'failedstarttls'],
  ['421 4.7.0 TLS required for RCPT domain, closing connection.', 'failedstarttls'],
  ["421 4.7.29 Your email has been rate limited because this message wasn't sent over a TLS connection. Gmail requires all bulk email senders to use TLS/SSL for SMTP connections.", 'failedstarttls'],
  ["452 4.2.2 The recipient's inbox is out of storage space. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp", 'mailboxfull'],
  ['452 4.2.2 The email account that you tried to reach is over quota.', 'mailboxfull'],
  ['554 5.4.6 Message exceeded 50 hops, this may indicate a mail loop.', 'networkerror'],
  ['550 5.7.0 Mail relay denied 192.0.2.1. Invalid credentials for relay for one of the domains in: example.com', 'norelaying'],
  ["550 5.7.1 Invalid credentials for relay 192.0.2.1. The IP address you've registered in your Workspace SMTP Relay service doesn't match the domain of the account this email is being sent from.", 'norelaying'],
  ["550 5.7.1 The IP you're using to send mail is not authorized to send email directly to our servers. Use the SMTP relay at your service provider instead.", 'norelaying'],
  ['550 5.7.1 Messages missing a valid address in the From: header, or having no From: header, are not accepted.', 'notcompliantrfc'],
  ['550 5.7.1 This message is not RFC 5322 compliant because it has duplicate headers.', 'notcompliantrfc'],
  ['550 5.7.1 Messages missing a valid Message-ID: header are not accepted.', 'notcompliantrfc'],
  ['550 5.7.1 The message contains a unicode character in a disallowed header.', 'notcompliantrfc'],
  ['550 5.7.1 Encoded-word syntax is not permitted in message header Subject.', 'notcompliantrfc'],
  ['554 5.6.0 Mail message is malformed. Not accepted.', 'notcompliantrfc'],
  ['552 5.7.0 Our system detected an illegal attachment on your message.', 'policyviolation'],
  ['552 5.7.0 This message was blocked because its content presents a potential security issue.', 'policyviolation'],
  ['550 5.7.1 The user or domain that you are sending to (or from) has a policy that prohibited the mail that you sent.', 'policyviolation'],
  ['421 4.7.28 Gmail has detected this message exceeded its quota for sending messages with the same Message-ID:.', 'policyviolation'],
  ['550 5.7.0 Mail Sending denied. This error occurs if the sender account is disabled or not registered within your Google Workspace domain.', 'rejected'],
  ['421 4.7.0 The IP address sending this message does not have a PTR record, or the corresponding forward DNS entry does not point to the sending IP.', 'requireptr'],
  ['550 5.7.1 This message does not meet IPv6 sending guidelines regarding PTR records and authentication.', 'requireptr'],
  ['550 5.7.25 The sending IP does not match the IP address of the hostname specified in the pointer (PTR) record.', 'requireptr'],
  ['454 4.7.0 Too many login attempts, please try again later.', 'securityerror'],
  ['530 5.7.0 Authentication Required.', 'securityerror'],
  ['535 5.7.8 Username and Password not accepted.', 'securityerror'],
  ['421 4.7.0 This message is suspicious due to the nature of the content or the links within. To best protect our users from spam, the message has been blocked.', 'spamdetected'],
  ['550 5.7.1 Our system has detected that this message is likely unsolicited mail.', 'spamdetected'],
  ['450 4.2.1 The user you are trying to contact is receiving mail too quickly. Please resend your message at a later time.', 'ratelimited'],
  ['450 4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered.', 'ratelimited'],
  ['550 5.4.5 Daily user sending limit exceeded.', 'ratelimited'],
  ['550 5.7.1 Daily SMTP relay limit exceeded for user.', 'ratelimited'],
  ['550 5.2.1 The email account that you tried to reach is inactive.', 'suspend'],
  ['550 5.2.1 The email account that you tried to reach is disabled.', 'suspend'],
  ['503 5.5.1 Bad sequence of commands.', 'syntaxerror'],
  ['502 5.5.1 Unrecognized command.', 'syntaxerror'],
  ['421 4.3.0 Temporary System Problem. Try again later.', 'systemerror'],
  ['451 4.3.0 Mail server temporarily rejected message.', 'systemerror'],
  ['451 4.3.0 Multiple destination domains per transaction is unsupported. Please try again.', 'systemerror'],
  ['452 4.5.3 Your message has too many recipients.', 'ratelimited'],
  ['550 5.1.1 The email account that you tried to reach does not exist.', 'userunknown'],
];

test('Google replies are read with the meaning Google documents', () => {
  const wrong: string[] = [];
  for (const [text, want] of GOOGLE) {
    const got = classifyReply({ text, hosts: ['gmail-smtp-in.l.google.com'] }).reason;
    if (got !== want) wrong.push(`${want} <- ${got}: ${text}`);
  }
  assert.deepEqual(wrong, []);
});

// Yahoo / AOL replies as Yahoo's sender error-code page words them (RCPT time, Yahoo MX).
const YAHOO: [string, string][] = [
  ['550 5.7.9 This mail has been blocked because the sender is unauthenticated. Yahoo requires all senders to authenticate with either SPF or DKIM.', 'authfailure'],
  ["553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.25, because the ip is in Spamhaus's list; see http://postmaster.yahoo.com/550-bl23.html", 'blocked'],
  ['553 5.7.1 [BL23] Connections not accepted from IP addresses on Spamhaus XBL; see http://postmaster.yahoo.com/errors/550-bl23.html [550]', 'blocked'],
  ['550 relaying denied for <someone@yahoo.com>', 'norelaying'],
  ['554 5.7.9 Message not accepted for policy reasons. See https://postmaster.yahooinc.com/error-codes', 'policyviolation'],
  ['451 Message temporarily deferred due to unresolvable RFC.5321 from domain. See https://senders.yahooinc.com/error-codes#unresolvable-from-domain', 'rejected'],
  ['450 User is receiving mail too quickly', 'ratelimited'],
  ['554 delivery error: dd someone@yahoo.com is no longer valid. [-20] - mta1010.mail.bf1.yahoo.com', 'suspend'],
  ['554 30 Sorry, your message to someone@aol.jp cannot be delivered. This mailbox is disabled (554.30)', 'suspend'],
  ['421 Max message per connection reached, closing transmission channel', 'ratelimited'],
  ["554 delivery error: dd This user doesn't have a yahoo.com account (someone@yahoo.com) [0] - mta1001.mail.gq1.yahoo.com", 'userunknown'],
  ['552 1 Requested mail action aborted, mailbox not found', 'userunknown'],
];

test('Yahoo replies are read with the meaning Yahoo documents', () => {
  const wrong: string[] = [];
  for (const [text, want] of YAHOO) {
    const got = classifyReply({ text, hosts: ['mta5.am0.yahoodns.net'], command: 'RCPT' }).reason;
    if (got !== want) wrong.push(`${want} <- ${got}: ${text}`);
  }
  assert.deepEqual(wrong, []);
});

// Apple iCloud Mail replies (support.apple.com/en-us/102322), RCPT time, iCloud MX.
const APPLE: [string, string][] = [
  ["554 5.7.1 Your message was rejected due to example.jp's DMARC policy. See https://support.apple.com/en-us/HT204137 for", 'authfailure'],
  ['554 5.7.1 [HME1] This message was blocked for failing both SPF and DKIM authentication checks. See https://support.apple.com/en-us/HT204137', 'authfailure'],
  ['550 5.7.0 Blocked - see https://support.proofpoint.com/dnsbl-lookup.cgi?ip=192.0.1.2', 'blocked'],
  ['550 5.7.1 Your email was rejected due to having a domain present in the Spamhaus DBL -- see https://www.spamhaus.org/dbl/', 'blocked'],
  ['550 5.7.1 Mail from IP 192.0.2.1 was rejected due to listing in Spamhaus SBL. For details please see http://www.spamhaus.org/query/bl?ip=192.0.2.1', 'blocked'],
  ['554 p00-smtpin001.me.com ESMTP not accepting connections', 'blocked'],
  ['550 5.1.6 recipient no longer on server: someone@icloud.com', 'hasmoved'],
  ['552 5.2.2 <someone@icloud.com>: user is over quota', 'mailboxfull'],
  ['554 5.7.1 <someone@icloud.com>: Relay access denied', 'norelaying'],
  ['550 5.7.1 [CS01] Message rejected due to local policy. Please visit https://support.apple.com/en-us/HT204137', 'policyviolation'],
  ['450 4.1.8 <sender@example.jp>: Sender address rejected: Domain not found', 'rejected'],
  ['421 4.7.1 Messages to someone@icloud.com deferred due to excessive volume. Try again later - https://support.apple.com/en-us/HT204137', 'ratelimited'],
  ['550 5.1.1 <someone@icloud.com>: inactive email address', 'userunknown'],
  ['550 5.1.1 unknown or illegal alias: someone@icloud.com', 'userunknown'],
];

test('iCloud replies are classified by their phrase families', () => {
  const wrong: string[] = [];
  for (const [text, want] of APPLE) {
    const got = classifyReply({ text, hosts: ['mx01.mail.icloud.com'], command: 'RCPT' }).reason;
    if (got !== want) wrong.push(`${want} <- ${got}: ${text}`);
  }
  assert.deepEqual(wrong, []);
});

// Tencent QQ Mail replies as its error list words them, RCPT time, QQ MX.
const TENCENT: [string, string][] = [
  ['550 SPF check failed. https://service.mail.qq.com/detail/122/72', 'authfailure'],
  ['550 DMARC check failed. https://service.mail.qq.com/detail/122/72', 'authfailure'],
  ['550 Suspected bounce attacks. https://service.mail.qq.com/detail/122/57', 'blocked'],
  ['550 Suspected spam ip. https://service.mail.qq.com/detail/122/66', 'blocked'],
  ['550 Connection denied. https://service.mail.qq.com/detail/122/170', 'blocked'],
  ['550 Message too large. https://service.mail.qq.com/detail/122/168', 'emailtoolarge'],
  ['550 Mail is rejected by recipients. https://service.mail.qq.com/detail/122/92', 'rejected'],
  ['550 Spam is embedded in the email. https://service.mail.qq.com/detail/122/59', 'spamdetected'],
  ['550 Mail content denied. https://service.mail.qq.com/detail/122/171', 'spamdetected'],
  ['550 Frequency of receiving messages is limited. https://service.mail.qq.com/detail/122/1011', 'ratelimited'],
  ['550 someone@qq.com is a deactivated mailbox', 'suspend'],
  ['550 Bad address syntax. https://service.mail.qq.com/detail/122/167', 'syntaxerror'],
  ['550 Ip frequency limited. https://service.mail.qq.com/detail/122/172', 'ratelimited'],
  ['550 Domain frequency limited. https://service.mail.qq.com/detail/122/173', 'ratelimited'],
  ['550 Connection frequency limited. https://service.mail.qq.com/detail/122/175', 'ratelimited'],
  ['550 Mailbox not found. https://service.mail.qq.com/detail/122/169', 'userunknown'],
];

test('QQ Mail replies are read with the meaning Tencent documents', () => {
  const wrong: string[] = [];
  for (const [text, want] of TENCENT) {
    const got = classifyReply({ text, hosts: ['mx1.qq.com'], command: 'RCPT' }).reason;
    if (got !== want) wrong.push(`${want} <- ${got}: ${text}`);
  }
  assert.deepEqual(wrong, []);
});

test('Comcast block codes are read by their documented prefix', () => {
  const host = { hosts: ['mx1.comcast.net'] };
  assert.equal(classifyReply({ text: '554 resimta-po-12v.sys.comcast.net comcast 192.0.2.1 found on one or more DNSBLs, see http://postmaster.comcast.net/smtp-error-codes.php#BL000010', ...host }).reason, 'blocked');
  assert.equal(classifyReply({ text: '554 imta.comcast.net comcast 192.0.2.1 Comcast block for spam. Please see http://postmaster.comcast.net/smtp-error-codes.php#ES000001', ...host }).reason, 'blocked');
  assert.equal(classifyReply({ text: '421 4.7.0 comcast 192.0.2.1 rate limited, see #RL000010', ...host }).reason, 'ratelimited');
  // The same code shape from a host that is not Comcast's is not read as Comcast's.
  assert.notEqual(classifyReply({ text: '421 4.7.0 try later RL000010', hosts: ['mx.example.net'] }).reason, 'ratelimited');
});
