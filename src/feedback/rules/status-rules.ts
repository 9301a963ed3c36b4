// Enhanced-status-code rules (RFC 3463 / RFC 5248 registry, class.subject.detail). DATA:
// each code maps to a reason, with a real reply carrying that code beside it; rules.test.ts
// validates them. `X.` matches both 4.x.x and 5.x.x. These apply when no reply-text rule
// named a reason: the text usually says more than the code (5.7.1 alone means anything
// from "blocked" to "relay denied"), so generic codes like X.0.0 and X.7.1 are absent.
import type { Reason } from '../taxonomy.ts';

export interface StatusRule {
  /** `X.1.1`, `5.3.2`, or a subject wildcard `X.6.*` */
  status: string;
  reason: Reason;
  example: string;
}

export const STATUS_RULES: StatusRule[] = [
  { status: 'X.1.1', reason: 'userunknown', example: '550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in local recipient table' },
  { status: 'X.1.0', reason: 'userunknown', example: '550 5.1.0 Address rejected.' },
  { status: 'X.1.3', reason: 'userunknown', example: '501 5.1.3 Bad recipient address syntax' },
  { status: 'X.1.2', reason: 'hostunknown', example: '550 5.1.2 Host unknown (Name server: example.invalid: host not found)' },
  { status: 'X.1.4', reason: 'userunknown', example: '550 5.1.4 Destination mailbox address ambiguous' },
  { status: 'X.1.6', reason: 'hasmoved', example: '550 5.1.6 Destination mailbox has moved, no forwarding address' },
  { status: 'X.1.7', reason: 'rejected', example: '553 5.1.7 The sender address <@> is not a valid RFC-5321 address' },
  { status: 'X.1.8', reason: 'rejected', example: '553 5.1.8 Domain of sender address does not exist' },
  { status: 'X.1.10', reason: 'notaccept', example: '556 5.1.10 Recipient address has null MX' },
  { status: 'X.2.0', reason: 'filtered', example: '550 5.2.0 Message rejected by recipient' },
  { status: 'X.2.1', reason: 'filtered', example: '550 5.2.1 Mailbox disabled, not accepting messages' },
  { status: 'X.2.2', reason: 'mailboxfull', example: '452 4.2.2 Mailbox full' },
  { status: 'X.2.3', reason: 'emailtoolarge', example: '552 5.2.3 Message length exceeds administrative limit' },
  { status: 'X.2.4', reason: 'filtered', example: '550 5.2.4 Mailing list expansion problem' },
  { status: 'X.3.1', reason: 'systemfull', example: '452 4.3.1 Insufficient system storage' },
  { status: 'X.3.2', reason: 'notaccept', example: '553 5.3.2 System not accepting network messages' },
  { status: 'X.3.4', reason: 'emailtoolarge', example: '552 5.3.4 Message too big for system' },
  { status: 'X.3.0', reason: 'systemerror', example: '451 4.3.0 Mail server temporarily rejected message' },
  { status: 'X.3.5', reason: 'systemerror', example: '451 4.3.5 Server configuration problem' },
  { status: 'X.4.1', reason: 'expired', example: '4.4.1 No answer from host' },
  { status: 'X.4.7', reason: 'expired', example: '4.4.7 Delivery time expired' },
  { status: 'X.4.2', reason: 'networkerror', example: '421 4.4.2 Connection dropped' },
  { status: 'X.4.3', reason: 'networkerror', example: '451 4.4.3 Directory server failure' },
  { status: 'X.4.4', reason: 'hostunknown', example: '554 5.4.4 Unable to route' },
  { status: 'X.4.5', reason: 'networkerror', example: '451 4.4.5 Mail system congestion' },
  { status: 'X.4.6', reason: 'networkerror', example: '554 5.4.6 Routing loop detected' },
  { status: 'X.5.1', reason: 'syntaxerror', example: '500 5.5.1 Invalid command' },
  { status: 'X.5.2', reason: 'syntaxerror', example: '501 5.5.2 Syntax error' },
  { status: 'X.5.3', reason: 'emailtoolarge', example: '452 4.5.3 Too many recipients' },
  { status: 'X.5.4', reason: 'syntaxerror', example: '501 5.5.4 Invalid command arguments' },
  { status: 'X.7.13', reason: 'suspend', example: '525 5.7.13 User account disabled' },
  { status: 'X.7.20', reason: 'authfailure', example: '550 5.7.20 No passing DKIM signature found' },
  { status: 'X.7.21', reason: 'authfailure', example: '550 5.7.21 No acceptable DKIM signature found' },
  { status: 'X.7.22', reason: 'authfailure', example: '550 5.7.22 No valid author-matched DKIM signature found' },
  { status: 'X.7.23', reason: 'authfailure', example: '550 5.7.23 SPF validation failed' },
  { status: 'X.7.24', reason: 'authfailure', example: '451 4.7.24 SPF validation error' },
  { status: 'X.7.25', reason: 'requireptr', example: '550 5.7.25 Reverse DNS validation failed' },
  { status: 'X.7.26', reason: 'authfailure', example: '550 5.7.26 Multiple authentication checks failed' },
  { status: 'X.7.27', reason: 'rejected', example: '550 5.7.27 Sender address has null MX' },
  { status: 'X.7.28', reason: 'ratelimited', example: '421 4.7.28 Mail flood detected' },
  { status: 'X.7.29', reason: 'authfailure', example: '550 5.7.29 ARC validation failure' },
  { status: 'X.7.30', reason: 'failedstarttls', example: '550 5.7.30 REQUIRETLS support required' },
  { status: 'X.7.10', reason: 'failedstarttls', example: '523 5.7.10 Encryption needed' },
  { status: 'X.7.11', reason: 'failedstarttls', example: '524 5.7.11 Encryption required for requested authentication mechanism' },
  { status: 'X.7.8', reason: 'securityerror', example: '535 5.7.8 Authentication credentials invalid' },
  { status: 'X.7.9', reason: 'securityerror', example: '534 5.7.9 Authentication mechanism is too weak' },
  { status: 'X.7.7', reason: 'policyviolation', example: '550 5.7.7 Message integrity failure' },
  { status: 'X.7.*', reason: 'securityerror', example: '550 5.7.3 Security conversion required but not possible' },
];

/** Finds the rule for an enhanced status code: exact detail first, then the subject wildcard. */
export function statusReason(enhanced: string | undefined): StatusRule | undefined {
  if (!enhanced) return undefined;
  const m = /^([245])\.(\d{1,3})\.(\d{1,3})$/.exec(enhanced);
  if (!m) return undefined;
  const exact = `X.${m[2]}.${m[3]}`;
  const wild = `X.${m[2]}.*`;
  return STATUS_RULES.find((r) => r.status === exact || r.status === enhanced) ?? STATUS_RULES.find((r) => r.status === wild);
}
