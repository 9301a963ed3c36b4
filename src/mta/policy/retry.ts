// What happens to a message after a failed attempt: defer (retry later, when), bounce, or
// expire. Only the decision lives here; the bounce REASON taxonomy is src/feedback's job.
import type { Stream } from '../../core/events.ts';
import type { RetrySchedule } from './shaping.ts';

/** Failures that happen before or around SMTP replies (the SMTP client maps its errors to these). */
export type DeliveryErrorKind =
  | 'connection-refused'
  | 'connection-timeout'
  | 'connection-reset'
  | 'network-unreachable'
  | 'dns-temporary'
  /** the destination domain does not exist (NXDOMAIN) */
  | 'dns-no-domain'
  /** RFC 7505 null MX: the domain accepts no mail */
  | 'null-mx'
  | 'tls-handshake'
  /** STARTTLS required by policy but not offered */
  | 'tls-unavailable'
  /** certificate invalid while the policy (required, MTA-STS enforce) demands a valid one */
  | 'tls-certificate'
  /** no MX host allowed by the domain's MTA-STS policy */
  | 'mta-sts-mx-mismatch'
  | 'command-timeout'
  | 'protocol';

export const DELIVERY_ERROR_KINDS: readonly DeliveryErrorKind[] = [
  'connection-refused', 'connection-timeout', 'connection-reset', 'network-unreachable', 'dns-temporary',
  'dns-no-domain', 'null-mx', 'tls-handshake', 'tls-unavailable', 'tls-certificate', 'mta-sts-mx-mismatch',
  'command-timeout', 'protocol',
];

/** Kinds that will not heal by waiting. Everything else at the network/TLS level is transient. */
const PERMANENT_KINDS = new Set<DeliveryErrorKind>(['dns-no-domain', 'null-mx']);

export interface SmtpReply {
  code: number;
  /** RFC 3463 enhanced status code, e.g. "4.7.28" */
  enhanced?: string;
  text: string;
}

/** "421-4.7.28 [..] Our system..." -> { code: 421, enhanced: '4.7.28', text }. Undefined if there is no code. */
export function parseReply(reply: string): SmtpReply | undefined {
  const m = /^([2-5]\d\d)[ -]?(?:([245])\.(\d{1,3})\.(\d{1,3})\b)?/.exec(reply.trimStart());
  if (!m) return undefined;
  const r: SmtpReply = { code: Number(m[1]), text: reply };
  if (m[2]) r.enhanced = `${m[2]}.${m[3]}.${m[4]}`;
  return r;
}

export type FailureDecision = 'defer' | 'bounce';

/**
 * Defer or bounce, from an error kind, a parsed reply or a raw reply line. 4xx defer, 5xx
 * bounce (the basic code decides: RFC 5321 §4.2.1); network, DNS-temporary and TLS errors
 * defer; NXDOMAIN and null MX bounce. A reply without a code defers: when in doubt, retry
 * rather than lose mail.
 */
export function classifyTransient(failure: DeliveryErrorKind | SmtpReply | string): FailureDecision {
  if (typeof failure === 'string') {
    if ((DELIVERY_ERROR_KINDS as readonly string[]).includes(failure)) {
      return PERMANENT_KINDS.has(failure as DeliveryErrorKind) ? 'bounce' : 'defer';
    }
    const parsed = parseReply(failure);
    return parsed ? classifyTransient(parsed) : 'defer';
  }
  return failure.code >= 500 && failure.code < 600 ? 'bounce' : 'defer';
}

/**
 * When to try again after `attempts` failed attempts (1 = the first one failed):
 * initialDelay * factor^(attempts-1), capped at maxDelay, then spread by ±jitter so
 * messages deferred together do not come back together.
 */
export function nextRetryAt(attempts: number, schedule: RetrySchedule, now: number, rng: () => number = Math.random): number {
  const n = Math.max(1, Math.floor(attempts));
  const base = Math.min(schedule.maxDelayMs, schedule.initialDelayMs * schedule.factor ** (n - 1));
  const spread = 1 + schedule.jitter * (2 * rng() - 1);
  return now + Math.max(1000, Math.round(base * spread));
}

export const DEFAULT_MAX_AGE_MS: Readonly<Record<Stream, number>> = {
  transactional: 24 * 3_600_000,
  marketing: 72 * 3_600_000,
};

/** Is a message queued at `queuedAt` past its stream's maximum age at `now`? */
export function isExpired(queuedAt: number, stream: Stream, now: number, maxAgeMs: Readonly<Record<Stream, number>> = DEFAULT_MAX_AGE_MS): boolean {
  return now - queuedAt >= maxAgeMs[stream];
}

/** The final attempt happens this long before a message's deadline. */
const LAST_CHANCE_MS = 60_000;

export interface FailureOutcome {
  decision: 'defer' | 'bounce' | 'expire';
  /** for `defer`: when to retry (epoch ms) */
  retryAt?: number;
}

/**
 * The whole decision after a failed attempt. Expiry is checked in every state (KumoMTA
 * #539: messages stuck in ready queues past max_age): a message past its age expires; one
 * whose next retry would fall after its deadline gets a last attempt a minute before it.
 * `bounceUntil` comes from an active `bounce` automation on the path.
 */
export function decideFailure(input: {
  failure: DeliveryErrorKind | SmtpReply | string;
  attempts: number;
  queuedAt: number;
  stream: Stream;
  now: number;
  schedule: RetrySchedule;
  maxAgeMs?: Readonly<Record<Stream, number>>;
  bounceUntil?: number | undefined;
  rng?: () => number;
}): FailureOutcome {
  if (classifyTransient(input.failure) === 'bounce') return { decision: 'bounce' };
  if (input.bounceUntil !== undefined && input.bounceUntil > input.now) return { decision: 'bounce' };
  const maxAge = (input.maxAgeMs ?? DEFAULT_MAX_AGE_MS)[input.stream];
  if (isExpired(input.queuedAt, input.stream, input.now, input.maxAgeMs)) return { decision: 'expire' };
  const retryAt = nextRetryAt(input.attempts, input.schedule, input.now, input.rng);
  const deadline = input.queuedAt + maxAge;
  if (retryAt < deadline - LAST_CHANCE_MS) return { decision: 'defer', retryAt };
  // The next retry would land past the deadline: one last attempt just before it rather
  // than expiring hours early (KumoMTA expires as soon as the next retry would be late).
  const last = deadline - LAST_CHANCE_MS;
  if (last - input.now < LAST_CHANCE_MS) return { decision: 'expire' };
  return { decision: 'defer', retryAt: last };
}
