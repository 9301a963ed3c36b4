// Provider-aware rules: verdicts that depend on WHO answered, not only on what was said.
// DATA, like text-rules.ts. Two kinds:
//
// * PROVIDER_CODES: providers that put their own documented error code in the reply (Cox
//   "AUP#CXBL", Spectrum/Charter "AUP#In-1310", GoDaddy "IB506", Orange/La Poste
//   "OFR005_505"). The code is the provider's own verdict, so it outranks the wording around
//   it ("sender rejected" from Cox is usually about the sending IP). Each table cites the
//   provider's published code list.
// * HOST_RULES: wording that means something particular at one provider, recognised by host
//   name: the recipient's domain, the remote MTA, or the reporting MTA (as Sisimai's rhost
//   modules do). E.g. Japanese carriers answer "user unknown" to mail their subscriber's
//   reception filter refuses.
//
// Every entry carries a real (shortened) reply text it matches; rules.test.ts checks that
// each example is classified as its reason when the host it names is given.
import type { Reason } from '../taxonomy.ts';

export interface ProviderCode {
  /** the code as written after the label (case-insensitive); with `to`, a numeric range; `XX*` a prefix */
  code: string;
  to?: string;
  reason: Reason;
  /** a reply carrying this code */
  example: string;
}

export interface ProviderCodeTable {
  provider: string;
  /** where the provider publishes the meaning of its codes */
  docs: string;
  /** regular-expression source with ONE capture group: the code, matched on the normalised text */
  label: string;
  /** when set, the table applies only if one of these host suffixes is involved (code shapes that are not unique) */
  hosts?: string[];
  codes: ProviderCode[];
}

export interface HostRule {
  provider: string;
  /** host-name suffixes: recipient domain, remote MTA, reporting MTA, or a host named in the reply */
  hosts: string[];
  /** regular-expression source matched on the normalised reply text; absent = any text */
  pattern?: string;
  /** only when the enhanced status code matches this regular-expression source */
  status?: string;
  /** only when the failure answered one of these SMTP commands */
  command?: string[];
  /** only when the generic rules found nothing (onhold/undefined) */
  fallbackOnly?: boolean;
  reason: Reason;
  /** a real reply text (shortened) from that provider */
  example: string;
  /** the example's context: enhanced status and command, when the rule depends on them */
  exampleStatus?: string;
  exampleCommand?: string;
  docs?: string;
}

export const PROVIDER_CODES: ProviderCodeTable[] = [
  {
    provider: 'Cox',
    docs: 'https://www.cox.com/residential/support/email-error-codes.html',
    label: String.raw`aup#([a-z]+\d*)\b`,
    codes: [
      { code: 'CXBL', reason: 'blocked', example: '554 cox.net rejected: IP blocked by Cox for spam-like behaviour. AUP#CXBL' },
      { code: 'CDRBL', reason: 'blocked', example: '550 5.1.0 <sender@example.com> sender rejected. Refer to Error Codes section at https://www.cox.com/residential/support/email-error-codes.html for more information. AUP#CDRBL' },
      { code: 'CXDNS', reason: 'requireptr', example: '421 cox.net rDNS lookup of the sending IP failed. AUP#CXDNS' },
      { code: 'CXSNDR', reason: 'authfailure', example: '550 cox.net sender domain failed SPF/DKIM checks. AUP#CXSNDR' },
      { code: 'CXSMTP', reason: 'rejected', example: '550 cox.net could not verify the sender as legitimate. AUP#CXSMTP' },
      { code: 'CXCNCT', reason: 'ratelimited', example: '421 cox.net too many concurrent connections from this IP. AUP#CXCNCT' },
      { code: 'CXMXRT', reason: 'ratelimited', example: '421 cox.net sender exceeded the maximum number of recipients. AUP#CXMXRT' },
      { code: 'CXTHRT', reason: 'securityerror', example: '550 cox.net sending limited due to suspicious account activity. AUP#CXTHRT' },
      { code: 'CXMJ', reason: 'securityerror', example: '550 cox.net sending blocked due to suspicious activity on the primary account. AUP#CXMJ' },
      { code: 'IPBL0001', reason: 'blocked', example: '554 cox.net sending IP listed in Spamhaus Zen. AUP#IPBL0001' },
      { code: 'IPBL0010', reason: 'blocked', example: '554 cox.net sending IP listed in the Return Path DNSBL. AUP#IPBL0010' },
      { code: 'IPBL0100', reason: 'blocked', example: '554 cox.net sending IP listed in Invaluement ivmSIP. AUP#IPBL0100' },
      { code: 'IPBL1000', reason: 'blocked', example: '554 cox.net sending IP listed on the Cloudmark CSI blocklist. AUP#IPBL1000' },
      { code: 'URLBL011', reason: 'spamdetected', example: '554 cox.net a URL in the message is on SURBL and Spamhaus DBL. AUP#URLBL011' },
      { code: 'URLBL1001', reason: 'spamdetected', example: '554 cox.net a URL in the message is listed by Spamhaus. AUP#URLBL1001' },
    ],
  },
  {
    provider: 'Spectrum/Charter',
    docs: 'https://www.spectrum.net/support/internet/understanding-email-error-codes',
    label: String.raw`aup#(?:in?|o|out)?-?(\d{4})\b`,
    codes: [
      { code: '1000', reason: 'blocked', example: '554 5.7.1 IP blocked due to suspicious activity AUP#I-1000' },
      { code: '1010', reason: 'rejected', example: '554 dnvrco-cmimta15 esmtp ESMTP server not available AUP#I-1010' },
      { code: '1020', to: '1080', reason: 'rejected', example: '550 account limited due to suspicious activity AUP#O-1020' },
      { code: '1090', reason: 'systemerror', example: "451 the email can't be processed, try again later AUP#I-1090" },
      { code: '1100', to: '1150', reason: 'requireptr', example: '550 no reverse DNS for the connecting IP AUP#I-1100' },
      { code: '1160', to: '1190', reason: 'policyviolation', example: "550 message goes against the domain's security policies AUP#I-1160" },
      { code: '1200', to: '1250', reason: 'blocked', example: '554 IP flagged by Cloudmark CSI as potential spam AUP#I-1200' },
      { code: '1260', reason: 'networkerror', example: '554 IPv6 is not processed, connect over IPv4 AUP#I-1260' },
      { code: '1300', to: '1340', reason: 'ratelimited', example: '421 cmsmtp too many concurrent connections AUP#In-1340' },
      { code: '1350', to: '1490', reason: 'ratelimited', example: '452 too many messages or recipients AUP#In-1430' },
      { code: '1500', reason: 'rejected', example: '550 sending as a different address than signed in AUP#O-1500' },
      { code: '1520', reason: 'rejected', example: '550 sending as a domain that is not hosted here AUP#O-1520' },
      { code: '1530', reason: 'emailtoolarge', example: '552 message larger than the maximum size of 20MB AUP#O-1530' },
      { code: '1540', to: '1550', reason: 'ratelimited', example: '452 too many messages in a single session AUP#O-1540' },
      { code: '1560', reason: 'policyviolation', example: '550 too many invalid recipients AUP#O-1560' },
      { code: '1580', reason: 'ratelimited', example: '452 too many recipients in a short period AUP#O-1580' },
    ],
  },
  {
    provider: 'GoDaddy',
    docs: 'https://ca.godaddy.com/help/fix-rejected-email-with-a-bounce-error-40685',
    label: String.raw`\b(ib\d{3})\b`,
    hosts: ['secureserver.net'],
    codes: [
      { code: 'IB401', reason: 'securityerror', example: '535 Authentication not allowed on IBSMTP Servers. IB401 host smtp.secureserver.net' },
      { code: 'IB501', reason: 'notcompliantrfc', example: '550 Blank From: addresses are not allowed. Provide a valid From. IB501 host smtp.secureserver.net' },
      { code: 'IB502', reason: 'notcompliantrfc', example: '550 IP addresses are not allowed as a From: Address. IB502 host smtp.secureserver.net' },
      { code: 'IB506', reason: 'rejected', example: 'host smtp.secureserver.net said: 550 5.2.0 From: Domain is invalid. Please provide a valid From: IB506' },
      { code: 'IB508', reason: 'authfailure', example: '550 Invalid SPF record. Inspect your SPF settings, and try again. IB508 host smtp.secureserver.net' },
      { code: 'IB108', reason: 'requireptr', example: '421 Temporarily rejected. Reverse DNS for this IP failed. IB108 host smtp.secureserver.net' },
      { code: 'IB212', reason: 'spamdetected', example: '552 This message has been rejected due to content judged to be spam by the internet community. IB212 host smtp.secureserver.net' },
      { code: 'IB705', reason: 'virusdetected', example: '552 Virus infected message rejected. IB705 host smtp.secureserver.net' },
      { code: 'IB605', reason: 'ratelimited', example: '452 This message contains too many recipients. IB605 host smtp.secureserver.net' },
      { code: 'IB007', reason: 'ratelimited', example: '421 Connection refused, too many sessions from This IP. IB007 host smtp.secureserver.net' },
      { code: 'IB101', reason: 'ratelimited', example: '421 Server temporarily unavailable. Try again later. IB101 host smtp.secureserver.net' },
      { code: 'IB110', reason: 'blocked', example: '554 This IP has been temporarily blocked for attempting to send too many messages containing content judged to be spam. IB110 host smtp.secureserver.net' },
      { code: 'IB111', reason: 'blocked', example: '554 This IP has been blocked for the day. IB111 host smtp.secureserver.net' },
      { code: 'IB112', reason: 'blocked', example: '554 This IP has been temporarily blocked for attempting to mail too many invalid recipients. IB112 host smtp.secureserver.net' },
      { code: 'IB113', reason: 'blocked', example: '554 This IP has been blocked for the day, too many invalid recipients. IB113 host smtp.secureserver.net' },
      { code: 'IB504', reason: 'ratelimited', example: '550 This IP has sent too many messages this hour. IB504 host smtp.secureserver.net' },
      { code: 'IB510', reason: 'ratelimited', example: '550 This message has exceeded the max number of messages per session. IB510 host smtp.secureserver.net' },
      { code: 'IB607', reason: 'ratelimited', example: '550 This IP has sent too many to too many recipients this hour. IB607 host smtp.secureserver.net' },
      { code: 'IB103', reason: 'badreputation', example: '554 Connection refused. This IP has a poor reputation on Cloudmark Sender Intelligence (CSI). IB103 host smtp.secureserver.net' },
      { code: 'IB104', reason: 'blocked', example: '554 Connection refused. This IP address is listed on the Spamhaus Block List (SBL). IB104 host smtp.secureserver.net' },
      { code: 'IB105', reason: 'blocked', example: '554 Connection refused. This IP address is listed on the Exploits Block List (XBL). IB105 host smtp.secureserver.net' },
      { code: 'IB106', reason: 'blocked', example: '554 Connection refused. This IP address is listed on the Policy Block List (PBL). IB106 host smtp.secureserver.net' },
    ],
  },
  {
    provider: 'Comcast (Xfinity)',
    docs: 'https://postmaster.comcast.net/mail-error-codes.html (also xfinity.com/support/articles/email-errors)',
    // "BL000010", "ES000001", "RL000001"; older replies used "BL006", "RL001".
    label: String.raw`\b((?:bl|es|rl)\d{3,6})\b`,
    hosts: ['comcast.net', 'xfinity.com'],
    codes: [
      { code: 'ES*', reason: 'blocked', example: '554 resimta-po-01v.sys.comcast.net comcast 192.0.2.1 Comcast block for spam. Please see http://postmaster.comcast.net/smtp-error-codes.php#ES000010' },
      { code: 'BL*', reason: 'blocked', example: '554 resimta-ch2-05v.sys.comcast.net comcast 192.0.2.1 found on one or more DNSBLs, see http://postmaster.comcast.net/smtp-error-codes.php#BL000001' },
      { code: 'RL*', reason: 'ratelimited', example: '421 resimta-h1p-02v.sys.comcast.net comcast 192.0.2.1 Too many sessions, rate limited. Please see http://postmaster.comcast.net/smtp-error-codes.php#RL000001' },
    ],
  },
  {
    provider: 'Orange / La Poste',
    docs: 'https://postmaster.orange.fr/ (OFR/LPN codes; see also smtpfieldmanual.com/provider/orange)',
    // "OFR005_505", "OFR_416", "LPN007_416", "LPNAAA_101": the last three digits are the code.
    label: String.raw`\b(?:ofr|lpn|ouk)[a-z]{0,3}\d{0,3}[_-](\d{3})\b`,
    codes: [
      { code: '101', reason: 'blocked', example: '550 5.7.1 Service unavailable; client [192.0.2.1] blocked using Spamhaus LPNAAA_101' },
      { code: '102', reason: 'blocked', example: '550 mwinf5c04 ME Adresse IP source bloquee pour incident de spam. Client host blocked for spamming issues. OFR006_102' },
      { code: '103', reason: 'blocked', example: '550 mwinf5c10 ME Service refuse. Veuillez essayer plus tard. Service refused, please try later. OFR006_103 [103]' },
      { code: '104', reason: 'ratelimited', example: '421 mwinf5c79 ME Trop de connexions, veuillez verifier votre configuration. Too many connections, slow down. OFR005_104 [104]' },
      { code: '305', reason: 'securityerror', example: "550 5.7.0 Code d'authentification invalide OFR_305" },
      { code: '401', reason: 'authfailure', example: '550 5.5.0 SPF: sender is not allowed to send mail. LPN004_401' },
      { code: '402', reason: 'securityerror', example: '550 5.5.0 Authentification requise. Authentication Required. LPN105_402' },
      { code: '403', reason: 'rejected', example: '501 5.1.0 Emetteur invalide. Invalid Sender. OFR004_403' },
      { code: '405', reason: 'rejected', example: '501 5.1.0 Emetteur invalide. Invalid Sender. OFR004_405 [405]' },
      { code: '415', reason: 'rejected', example: '501 5.1.0 Emetteur invalide. Invalid Sender. OFR_415' },
      { code: '416', reason: 'userunknown', example: '550 5.1.1 Adresse d au moins un destinataire invalide. Invalid recipient. OFR_416 [416]' },
      { code: '417', reason: 'mailboxfull', example: '552 5.1.1 Boite du destinataire pleine. Recipient overquota. OFR_417 [417]' },
      { code: '420', reason: 'suspend', example: '550 5.5.0 Boite du destinataire archivee. Archived recipient. LPN007_420' },
      { code: '421', reason: 'rejected', example: '550 5.5.3 Mail from not owned by user. LPN105_421' },
      { code: '426', reason: 'suspend', example: '550 5.5.0 Le compte du destinataire est bloque. The recipient account is blocked. LPN007_426' },
      { code: '505', reason: 'systemerror', example: '421 4.2.0 Service refuse. Veuillez essayer plus tard. Service refused, please try later. OFR005_505 [505]' },
      { code: '506', reason: 'spamdetected', example: '550 5.7.1 Mail rejete. Mail rejected. OFR_506 [506]' },
      { code: '510', reason: 'blocked', example: '550 5.5.0 Service refuse. Veuillez essayer plus tard. service refused, please try later. LPN005_510' },
      { code: '514', reason: 'emailtoolarge', example: '552 5.3.4 Taille limite du message atteinte. Message size limit reached. OFR_514' },
      { code: '517', reason: 'authfailure', example: '571 5.7.1 Message refused, DMARC verification Failed. Message refuse, verification DMARC en echec LPN007_517' },
      { code: '630', reason: 'policyviolation', example: '554 5.7.1 Client host rejected LPN000_630' },
      { code: '999', reason: 'blocked', example: '421 mwinf5c77 ME Service refuse. Veuillez essayer plus tard. Service refused, please try later. OFR_999 [999]' },
    ],
  },
];

export const HOST_RULES: HostRule[] = [
  // NTT DOCOMO (mfsmax.docomo.ne.jp) answers "550 Unknown user" both for a missing mailbox
  // and when the subscriber's reception settings refuse the sender: at RCPT or with 5.1.1
  // it is the mailbox; after DATA (or with 5.2.0) it is the reception filter.
  {
    provider: 'NTT DOCOMO',
    hosts: ['docomo.ne.jp'],
    pattern: String.raw`\bunknown user\b`,
    status: String.raw`^5\.2\.0$`,
    reason: 'filtered',
    example: '550 Unknown user someone@docomo.ne.jp',
    exampleStatus: '5.2.0',
    exampleCommand: 'DATA',
  },
  {
    provider: 'NTT DOCOMO',
    hosts: ['docomo.ne.jp'],
    pattern: String.raw`\bunknown user\b`,
    status: String.raw`^5\.0\.0$`,
    command: ['DATA'],
    reason: 'rejected',
    example: '550 Unknown user someone@docomo.ne.jp',
    exampleStatus: '5.0.0',
    exampleCommand: 'DATA',
  },
  {
    provider: 'NTT DOCOMO',
    hosts: ['docomo.ne.jp'],
    pattern: String.raw`\bunknown user\b`,
    command: ['RCPT'],
    reason: 'userunknown',
    example: '550 Unknown user someone@docomo.ne.jp',
    exampleStatus: '5.0.0',
    exampleCommand: 'RCPT',
  },
  // KDDI au (ezweb.ne.jp, au.com): "550 : User unknown" (no address) is the reception
  // filter; "550 <addr>: User unknown" names a missing mailbox.
  {
    provider: 'KDDI au',
    hosts: ['ezweb.ne.jp', 'au.com'],
    pattern: String.raw`\b550 ?: user unknown`,
    reason: 'filtered',
    example: '550 : User unknown',
    docs: 'https://www.au.com/support/service/internet/trouble/mail/01/',
  },
  {
    provider: 'KDDI au',
    hosts: ['ezweb.ne.jp', 'au.com'],
    pattern: String.raw`>: user unknown`,
    reason: 'userunknown',
    example: '550: <someone@ezweb.ne.jp>: User unknown',
  },
  {
    provider: 'KDDI au',
    hosts: ['ezweb.ne.jp', 'au.com'],
    pattern: String.raw`rejected by a remote mail server`,
    reason: 'filtered',
    example: 'Each of the following recipients was rejected by a remote mail server.',
  },
  // Yahoo/AOL (Yahoo Inc.): "dd <address> is no longer valid" is a closed account.
  {
    provider: 'Yahoo Inc.',
    hosts: ['yahoodns.net', 'yahoo.com', 'aol.com'],
    pattern: String.raw`\bis no longer valid\b|this mailbox is disabled`,
    reason: 'suspend',
    example: '554 30 Sorry, your message to someone@aol.jp cannot be delivered. This mailbox is disabled (554.30)',
    docs: 'https://senders.yahooinc.com/smtp-error-codes',
  },
  // Google (Gmail, Workspace): its documented SMTP error texts, with the meaning Google gives them
  // (e.g. "4.7.28 unusual rate of mail" is the IP being throttled as a spam source).
  {
    provider: 'Google',
    hosts: ['google.com', 'gmail.com', 'googlemail.com'],
    pattern: String.raw`authentication didn't pass for this message|senders to authenticate (?:their email )?with (?:spf|dkim)|isn't aligned with either the authenticated spf or dkim|to add a dmarc record to|spf record of the sending domain has one or more suspicious entries`,
    reason: 'authfailure',
    example: '421 4.7.30 Your email has been rate limited because DKIM authentication didn\'t pass for this message. Gmail requires all email bulk senders to authenticate their email with DKIM.',
    docs: 'https://support.google.com/a/answer/3726730',
  },
  {
    provider: 'Google',
    hosts: ['google.com', 'gmail.com', 'googlemail.com'],
    pattern: String.raw`ip not in whitelist for rcpt domain|try again later, closing connection|helo/ehlo argument is invalid|empty helo/ehlo argument|an unusual rate of (?:unsolicited )?mail`,
    reason: 'blocked',
    example: '421 4.7.28 Gmail has detected an unusual rate of mail originating from your IP address. To protect our users from spam, mail has been temporarily rate limited.',
    docs: 'https://support.google.com/a/answer/3726730',
  },
  {
    provider: 'Google',
    hosts: ['google.com', 'gmail.com', 'googlemail.com'],
    pattern: String.raw`connection expired, try reconnecting|timeout - closing connection`,
    reason: 'expired',
    example: '451 4.4.2 Timeout - closing connection.',
    docs: 'https://support.google.com/a/answer/3726730',
  },
  {
    provider: 'Google',
    hosts: ['google.com', 'gmail.com', 'googlemail.com'],
    pattern: String.raw`senders to use tls/ssl for smtp|tls required for rcpt domain`,
    reason: 'failedstarttls',
    example: '421 4.7.29 Your email has been rate limited because this message wasn\'t sent over a TLS connection. Gmail requires all bulk email senders to use TLS/SSL for SMTP connections.',
    docs: 'https://support.google.com/a/answer/3726730',
  },
  {
    provider: 'Google',
    hosts: ['google.com', 'gmail.com', 'googlemail.com'],
    pattern: String.raw`invalid credentials for relay|is not authorized to send email directly to our servers|mail relay denied`,
    reason: 'norelaying',
    example: '550 5.7.1 Invalid credentials for relay 192.0.2.1. The IP address you\'ve registered in your Workspace SMTP Relay service doesn\'t match the domain of the account this email is being sent from.',
    docs: 'https://support.google.com/a/answer/3726730',
  },
  {
    provider: 'Google',
    hosts: ['google.com', 'gmail.com', 'googlemail.com'],
    pattern: String.raw`missing a valid (?:address in the from: header|message-id: header)|unicode character in a disallowed header|encoded-word syntax is not permitted|mail message is malformed|not rfc 5322 compliant`,
    reason: 'notcompliantrfc',
    example: '550 5.7.1 Messages missing a valid Message-ID: header are not accepted.',
    docs: 'https://support.google.com/a/answer/3726730',
  },
  {
    provider: 'Google',
    hosts: ['google.com', 'gmail.com', 'googlemail.com'],
    pattern: String.raw`illegal attachment on your message|quota for sending messages with the same message-id`,
    reason: 'policyviolation',
    example: '552 5.7.0 Our system detected an illegal attachment on your message.',
    docs: 'https://support.google.com/a/answer/3726730',
  },
  {
    provider: 'Google',
    hosts: ['google.com', 'gmail.com', 'googlemail.com'],
    pattern: String.raw`mail sending denied`,
    reason: 'rejected',
    example: '550 5.7.0 Mail Sending denied. This error occurs if the sender account is disabled or not registered within your Google Workspace domain.',
    docs: 'https://support.google.com/a/answer/3726730',
  },
  {
    provider: 'Google',
    hosts: ['google.com', 'gmail.com', 'googlemail.com'],
    pattern: String.raw`is receiving mail (?:too quickly|at a rate that prevents)|smtp relay (?:sending )?limit exceeded|daily (?:user )?sending (?:quota|limit) exceeded|your message has too many recipients|too many recipients for this sender`,
    reason: 'ratelimited',
    example: '450 4.2.1 The user you are trying to contact is receiving mail too quickly. Please resend your message at a later time.',
    docs: 'https://support.google.com/a/answer/3726730',
  },
  // Microsoft (Exchange Online / Outlook.com): the NDR texts Microsoft documents, read with the
  // meaning its NDR reference gives them.
  // Access denied for the sender's own standing: its domain or account, not the IP.
  {
    provider: 'Microsoft',
    hosts: ['outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'office365.com', 'onmicrosoft.com', 'exchangelabs.com'],
    pattern: String.raw`(?:doesn't|does not) meet the required authentication level`,
    reason: 'authfailure',
    example: '550 5.7.515 Access denied, sending domain EXAMPLE.JP doesn\'t meet the required authentication level.',
    docs: 'https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online',
  },
  {
    provider: 'Microsoft',
    hosts: ['outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'office365.com', 'onmicrosoft.com', 'exchangelabs.com'],
    pattern: String.raw`access denied, rejected by recipient`,
    reason: 'blocked',
    example: '550 5.7.507 Access denied, rejected by recipient',
    docs: 'https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online',
  },
  {
    provider: 'Microsoft',
    hosts: ['outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'office365.com', 'onmicrosoft.com', 'exchangelabs.com'],
    pattern: String.raw`too many related errors`,
    reason: 'contenterror',
    example: '554 5.3.0 Too many related errors',
    docs: 'https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online',
  },
  {
    provider: 'Microsoft',
    hosts: ['outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'office365.com', 'onmicrosoft.com', 'exchangelabs.com'],
    pattern: String.raw`message expired, connection (?:refused|reset)`,
    reason: 'expired',
    example: '550 5.4.316 Message expired, connection refused(Socket error code 10061)',
    docs: 'https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online',
  },
  // A mail flow (transport) rule refused the message: the 5.7.900-999 range is the tenant's policy,
  // the plain 5.7.1 is a group or mailbox that takes mail only from allowed senders.
  {
    provider: 'Microsoft',
    hosts: ['outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'office365.com', 'onmicrosoft.com', 'exchangelabs.com'],
    pattern: String.raw`delivery not authorized, message refused`,
    status: String.raw`^5\.7\.9\d\d$`,
    reason: 'policyviolation',
    example: '550 5.7.901 Delivery not authorized, message refused',
    exampleStatus: '5.7.901',
    docs: 'https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online',
  },
  {
    provider: 'Microsoft',
    hosts: ['outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'office365.com', 'onmicrosoft.com', 'exchangelabs.com'],
    pattern: String.raw`delivery not authorized, message refused`,
    status: String.raw`^5\.7\.1$`,
    reason: 'rejected',
    example: '550 5.7.1 Delivery not authorized, message refused',
    exampleStatus: '5.7.1',
    docs: 'https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online',
  },
  {
    provider: 'Microsoft',
    hosts: ['outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'office365.com', 'onmicrosoft.com', 'exchangelabs.com'],
    pattern: String.raw`sender (?:was )?not authenticated (?:by organization|for (?:group|mailbox|public folder))|sender was not authenticated\b|sender not in allowed-senders list|access denied, spam abuse detected|access denied, bad outbound sender|client blocked from sending from unregistered domains`,
    reason: 'rejected',
    example: '550 5.7.124 Sender not in allowed-senders list',
    docs: 'https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online',
  },
  {
    provider: 'Microsoft',
    hosts: ['outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'office365.com', 'onmicrosoft.com', 'exchangelabs.com'],
    pattern: String.raw`recipient thread limit exceeded|daily limit for message recipients|submission quota exceeded|per hour message receive limit|recipient has exceeded their limit for|has exceeded permitted limits within|tenant has exceeded threshold|has exceeded the maximum number of connections`,
    reason: 'ratelimited',
    example: '554 5.2.2 Submission quota exceeded',
    docs: 'https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online',
  },
  {
    provider: 'Microsoft',
    hosts: ['outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'office365.com', 'onmicrosoft.com', 'exchangelabs.com'],
    pattern: String.raw`access denied, banned recipient|mailbox cannot be accessed`,
    reason: 'suspend',
    example: '550 5.7.505 Access denied, banned recipient',
    docs: 'https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online',
  },
  {
    provider: 'Microsoft',
    hosts: ['outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'office365.com', 'onmicrosoft.com', 'exchangelabs.com'],
    pattern: String.raw`\bservice not (?:available|active)|message failed to be replicated|server busy\. please try again later|pfa agent busy`,
    status: String.raw`^4\.`,
    reason: 'systemerror',
    example: '421 4.3.2 Service not available',
    exampleStatus: '4.3.2',
    docs: 'https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online',
  },
  // Tencent (QQ Mail, Foxmail): its published error list (service.mail.qq.com/detail/122).
  {
    provider: 'Tencent',
    hosts: ['qq.com', 'foxmail.com'],
    pattern: String.raw`suspected bounce attacks|suspected spam ip`,
    reason: 'blocked',
    example: '550 Suspected spam ip. https://service.mail.qq.com/detail/122/66',
    docs: 'https://service.mail.qq.com/detail/122',
  },
  {
    provider: 'Tencent',
    hosts: ['qq.com', 'foxmail.com'],
    pattern: String.raw`mail is rejected by recipients`,
    reason: 'rejected',
    example: '550 Mail is rejected by recipients. https://service.mail.qq.com/detail/122/92',
    docs: 'https://service.mail.qq.com/detail/122',
  },
  {
    provider: 'Tencent',
    hosts: ['qq.com', 'foxmail.com'],
    pattern: String.raw`\b(?:ip|domain|sender|connection) frequency limited|frequency of receiving messages is limited`,
    reason: 'ratelimited',
    example: '550 Ip frequency limited. https://service.mail.qq.com/detail/122/172',
    docs: 'https://service.mail.qq.com/detail/122',
  },
  {
    provider: 'Tencent',
    hosts: ['qq.com', 'foxmail.com'],
    pattern: String.raw`bad address syntax`,
    reason: 'syntaxerror',
    example: '550 Bad address syntax. https://service.mail.qq.com/detail/122/167',
    docs: 'https://service.mail.qq.com/detail/122',
  },
  // Symantec/Broadcom Email Security.cloud (MessageLabs) validates recipients itself.
  {
    provider: 'MessageLabs',
    hosts: ['messagelabs.com'],
    pattern: String.raw`no such user|invalid recipient|recipient mailbox is not allowed`,
    reason: 'userunknown',
    example: '550 someone@example.org... No such user',
    docs: 'https://knowledge.broadcom.com/external/article/165163',
  },
  // Mimecast: "rejected due to security policies" is its signature (virus) scanner.
  {
    provider: 'Mimecast',
    hosts: ['mimecast.com'],
    pattern: String.raw`rejected due to security polic`,
    reason: 'virusdetected',
    example: '554 email rejected due to security policies - MCSpamSignature.sa.2.2',
    docs: 'https://community.mimecast.com/s/article/Mimecast-SMTP-Error-Codes-842605754',
  },
  // AOL: a malformed MX answer for the recipient domain means it cannot take mail.
  {
    provider: 'AOL',
    hosts: ['aol.com'],
    pattern: String.raw`type=mx: malformed or unexpected name server reply`,
    reason: 'notaccept',
    example: 'Name service error for name=example.org type=MX: Malformed or unexpected name server reply',
  },
  // Google Groups: a post the group refuses (no such group, or no permission to post) comes
  // back as a notice in the poster's language; the failed recipient is the group address.
  {
    provider: 'Google Groups',
    hosts: ['googlegroups.com'],
    fallbackOnly: true,
    reason: 'rejected',
    example: 'Hallo, Sie erhalten diese E-Mail, weil die Gruppe, die Sie kontaktieren möchten, möglicherweise nicht vorhanden ist.',
  },
  // The same notice for a Google Workspace group on the organisation's own domain: Google's
  // mailer reports it and the notice points to the Groups help centre, whatever the language.
  {
    provider: 'Google Groups',
    hosts: ['googlemail.com', 'google.com'],
    pattern: String.raw`groups\.google\.com/support|\bgoogle groups\b`,
    fallbackOnly: true,
    reason: 'rejected',
    example: 'Hola: el grupo con el que has intentado ponerte en contacto quizás no exista. Visita el Centro de ayuda en https://groups.google.com/support/. Gracias, Google Groups',
  },
];

/**
 * PowerMTA writes its own verdict beside each DSN recipient (`X-PowerMTA-BounceCategory`,
 * documented in the PowerMTA user guide, "bounce categories"). Categories too coarse to
 * name a reason ("other", "bad-connection", "protocol-errors", ...) are absent: the reply
 * text decides those.
 */
export const POWERMTA_CATEGORIES: Record<string, Reason> = {
  'bad-domain': 'hostunknown',
  'bad-mailbox': 'userunknown',
  'inactive-mailbox': 'suspend',
  'message-expired': 'expired',
  'no-answer-from-host': 'networkerror',
  'policy-related': 'policyviolation',
  'quota-issues': 'mailboxfull',
  'routing-errors': 'systemerror',
  'spam-related': 'spamdetected',
  'virus-related': 'virusdetected',
  'content-related': 'contenterror',
  'relaying-issues': 'norelaying',
};
