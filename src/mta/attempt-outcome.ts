// Turns one delivery attempt's result into the row update and its event: 2xx sent
// (delivery), 5xx bounced (bounce, with the classified reason), anything transient deferred
// with backoff (deferral) unless the message is out of time (expiration).
import type { Stream } from '../core/events.ts';
import { eventRecord } from '../store/events-repo.ts';
import type { AttemptOutcome, QueuedMessage } from '../store/queue-repo.ts';
import { classifyReply } from '../feedback/classify.ts';
import { decideFailure, type DeliveryErrorKind, type SmtpReply } from './policy/retry.ts';
import type { RetrySchedule } from './policy/shaping.ts';
import type { TlsInfo } from './smtp-client.ts';

/** Where the attempt went: recorded on every event. */
export interface AttemptContext {
  mx: string | null;
  mxAddress: string | null;
  ip: string | null;
  helo: string;
  site: string;
  provider?: string | undefined;
  tls: TlsInfo | null;
}

export type AttemptResult =
  | { ok: true; reply: SmtpReply }
  | { ok: false; reply: SmtpReply; command?: string | undefined }
  | { ok: false; error: DeliveryErrorKind; text: string };

export function replyLine(r: AttemptResult): string {
  return 'reply' in r ? r.reply.text.trim() : `${r.error}: ${r.text}`;
}

function where(ctx: AttemptContext): Record<string, unknown> {
  return { mx: ctx.mx, mx_address: ctx.mxAddress, egress_ip: ctx.ip, helo: ctx.helo, site: ctx.site, provider: ctx.provider ?? null, tls: ctx.tls };
}

export function expiredOutcome(msg: QueuedMessage, lastReply: string | null, now: number): AttemptOutcome {
  return {
    id: msg.id,
    status: 'expired',
    attempts: msg.attempts,
    lastReply,
    egressIp: null,
    event: eventRecord({
      tenantId: msg.tenantId, messageId: msg.id, type: 'expiration', recipient: msg.recipient, createdAt: now,
      data: { attempts: msg.attempts, last_reply: lastReply, queued_at: new Date(msg.createdAt).toISOString() },
    }),
  };
}

export function attemptOutcome(input: {
  msg: QueuedMessage;
  result: AttemptResult;
  ctx: AttemptContext;
  retry: RetrySchedule;
  now: number;
  bounceUntil?: number | undefined;
  rng?: () => number;
}): AttemptOutcome {
  const { msg, result, ctx, now } = input;
  const attempts = msg.attempts + 1;
  const line = replyLine(result);
  const base = { tenantId: msg.tenantId, messageId: msg.id, recipient: msg.recipient, createdAt: now };
  const reply = 'reply' in result ? result.reply : undefined;
  const replyData = { reply: line, code: reply?.code ?? null, enhanced: reply?.enhanced ?? null, attempt: attempts, ...where(ctx) };
  if (result.ok) {
    return {
      id: msg.id, status: 'sent', attempts, lastReply: line, egressIp: ctx.ip,
      event: eventRecord({ ...base, type: 'delivery', data: replyData }),
    };
  }
  const failure: DeliveryErrorKind | SmtpReply = reply ?? (result as { error: DeliveryErrorKind }).error;
  const maxAge = Math.max(0, msg.expiresAt - msg.createdAt);
  const decision = decideFailure({
    failure,
    attempts,
    queuedAt: msg.createdAt,
    stream: msg.stream as Stream,
    now,
    schedule: input.retry,
    maxAgeMs: { transactional: maxAge, marketing: maxAge },
    bounceUntil: input.bounceUntil,
    rng: input.rng,
  });
  if (decision.decision === 'bounce') {
    const c = classifyReply({
      text: line,
      ...(reply ? { code: reply.code } : {}),
      ...(reply?.enhanced ? { enhanced: reply.enhanced } : {}),
      ...(!result.ok && 'command' in result && result.command ? { command: result.command } : {}),
    });
    return {
      id: msg.id, status: 'bounced', attempts, lastReply: line, egressIp: ctx.ip,
      event: eventRecord({ ...base, type: 'bounce', data: { ...replyData, reason: c.reason, hard: c.hard, error: 'error' in result ? result.error : null } }),
    };
  }
  if (decision.decision === 'expire') return expiredOutcome({ ...msg, attempts }, line, now);
  return {
    id: msg.id, status: 'deferred', attempts, nextAttemptAt: decision.retryAt, lastReply: line, egressIp: ctx.ip,
    event: eventRecord({
      ...base, type: 'deferral',
      data: { ...replyData, error: 'error' in result ? result.error : null, retry_at: new Date(decision.retryAt!).toISOString() },
    }),
  };
}
