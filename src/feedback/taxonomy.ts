// The one failure taxonomy (issue 4): Sisimai's reason names as of its December 2025
// release, used for synchronous SMTP replies and asynchronous DSNs alike.

export const REASONS = [
  'userunknown',
  'hostunknown',
  'hasmoved',
  'mailboxfull',
  'filtered',
  'rejected',
  'blocked',
  'badreputation',
  'spamdetected',
  'policyviolation',
  'authfailure',
  'requireptr',
  'ratelimited',
  'emailtoolarge',
  'expired',
  'networkerror',
  'notaccept',
  'norelaying',
  'securityerror',
  'suspend',
  'systemerror',
  'systemfull',
  'contenterror',
  'virusdetected',
  'syntaxerror',
  'mailererror',
  'notcompliantrfc',
  'failedstarttls',
  'onhold',
  'vacation',
  'feedback',
  'delivered',
  'undefined',
  'suppressed',
] as const;

export type Reason = (typeof REASONS)[number];

export function isReason(s: string): s is Reason {
  return (REASONS as readonly string[]).includes(s);
}

/**
 * Names Sisimai used before December 2025, mapped to the merged ones (the sender's remedy
 * is the same; the status code still tells them apart).
 */
export const LEGACY_REASONS: Record<string, Reason> = {
  speeding: 'ratelimited',
  toomanyconn: 'ratelimited',
  mesgtoobig: 'emailtoolarge',
  exceedlimit: 'emailtoolarge',
};

export function normaliseReason(s: string): string {
  const l = s.trim().toLowerCase();
  return LEGACY_REASONS[l] ?? l;
}

/** One-line meaning per reason, for docs and the CLI. */
export const REASON_MEANINGS: Record<Reason, string> = {
  userunknown: 'the mailbox (local part) does not exist',
  hostunknown: 'the recipient domain does not exist or has no mail host',
  hasmoved: 'the mailbox has moved and mail is not forwarded',
  mailboxfull: 'the mailbox is over quota',
  filtered: "rejected by the recipient's own filtering or a disabled mailbox",
  rejected: 'rejected because of the envelope sender (MAIL FROM)',
  blocked: 'the sending IP or host name is blocked (blocklist, dynamic IP, connection refused)',
  badreputation: "rejected because of the sending IP's or domain's reputation",
  spamdetected: 'a spam filter rejected the content',
  policyviolation: "the message breaks the destination's policy",
  authfailure: 'SPF, DKIM or DMARC failed',
  requireptr: 'the sending IP has no or a mismatched PTR record',
  ratelimited: 'too fast or too many connections; retry later',
  emailtoolarge: 'the message exceeds a size limit',
  expired: 'delivery kept failing until the retry time ran out',
  networkerror: 'DNS or network failure, mail loop',
  notaccept: 'the destination accepts no mail at all (null MX, 556)',
  norelaying: 'the server refused to relay',
  securityerror: 'a security check (authentication, certificate, 5.7.x) failed',
  suspend: 'the recipient account is suspended or disabled',
  systemerror: 'an error on the remote system',
  systemfull: "the remote system's disk is full",
  contenterror: 'the content or headers are malformed or unacceptable',
  virusdetected: 'a virus scanner rejected the message',
  syntaxerror: 'an SMTP command syntax error',
  mailererror: 'the local delivery program failed',
  notcompliantrfc: 'the message is not RFC 5322 compliant',
  failedstarttls: 'STARTTLS was required or failed',
  onhold: 'not enough information to decide',
  vacation: 'an auto-reply, not a bounce',
  feedback: 'a complaint (ARF feedback report)',
  delivered: 'delivered (a success DSN)',
  undefined: 'no reason could be detected',
  suppressed: 'not sent: the address is on a suppression list',
};

const HARD = new Set<Reason>(['userunknown', 'hostunknown', 'hasmoved']);

/**
 * Hard bounces stop all future sending to the address. `notaccept` is hard only as a
 * permanent (5xx) failure: a 4xx null-MX style answer may be a misconfiguration in progress.
 */
export function isHard(reason: string, code?: number, enhanced?: string): boolean {
  if (HARD.has(reason as Reason)) return true;
  if (reason !== 'notaccept') return false;
  if (enhanced?.startsWith('4.') || (code !== undefined && code >= 400 && code < 500)) return false;
  return true;
}
