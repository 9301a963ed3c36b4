// Amazon SES event notifications delivered by e-mail (SNS "AWS Notification Message"):
// a JSON document instead of a DSN. Relais relays through SES only when an operator sets it
// up as a smarthost, but then every bounce and complaint arrives in this shape.
import { classifyFailure } from './classify.ts';
import type { BounceRecipient } from './bounce.ts';
import type { Reason } from './taxonomy.ts';

interface SesRecipient {
  emailAddress?: string;
  action?: string;
  status?: string;
  diagnosticCode?: string;
}

export interface SesParsed {
  kind: 'dsn' | 'feedback';
  recipients: BounceRecipient[];
  feedbackType?: string;
  originalMessageId?: string;
}

function extractJson(text: string): Record<string, unknown> | undefined {
  const start = text.indexOf('{"notificationType"');
  if (start < 0) return undefined;
  const end = text.lastIndexOf('}');
  if (end <= start) return undefined;
  const chunk = text.slice(start, end + 1);
  // SNS mails wrap long lines; the JSON itself has no newlines.
  for (const candidate of [chunk, chunk.replace(/\n/g, ''), chunk.replace(/\n ?/g, '')]) {
    try {
      const v = JSON.parse(candidate);
      if (v && typeof v === 'object') return v as Record<string, unknown>;
    } catch {
      // try the next repair
    }
  }
  return undefined;
}

export function parseSesNotification(text: string): SesParsed | undefined {
  if (text.length > 1024 * 1024) text = text.slice(0, 1024 * 1024);
  const doc = extractJson(text);
  if (!doc) return undefined;
  const type = String(doc.notificationType ?? doc.eventType ?? '');
  const mail = (doc.mail ?? {}) as { messageId?: string; commonHeaders?: { messageId?: string } };
  const originalMessageId = mail.commonHeaders?.messageId ?? mail.messageId;
  const base = originalMessageId ? { originalMessageId } : {};
  if (type === 'Bounce') {
    const b = (doc.bounce ?? {}) as { bounceType?: string; bouncedRecipients?: SesRecipient[] };
    const recipients = (b.bouncedRecipients ?? []).slice(0, 500).map((r) => {
      const text = (r.diagnosticCode ?? '').replace(/^smtp;\s*/i, '');
      const c = classifyFailure({ text, enhanced: r.status, action: r.action });
      const out: BounceRecipient = { address: r.emailAddress ?? '', reason: c.reason, hard: c.hard, reply: text.slice(0, 1000) };
      if (c.enhanced) out.enhanced = c.enhanced;
      if (c.code !== undefined) out.code = c.code;
      if (r.action) out.action = r.action;
      return out;
    });
    return { kind: 'dsn', recipients, ...base };
  }
  if (type === 'Complaint') {
    const c = (doc.complaint ?? {}) as { complaintFeedbackType?: string; complainedRecipients?: SesRecipient[] };
    const feedbackType = c.complaintFeedbackType ?? 'abuse';
    const recipients = (c.complainedRecipients ?? []).slice(0, 500).map((r) => ({ address: r.emailAddress ?? '', reason: 'feedback' as Reason, hard: false, reply: feedbackType }));
    return { kind: 'feedback', recipients, feedbackType, ...base };
  }
  if (type === 'Delivery') {
    const d = (doc.delivery ?? {}) as { recipients?: string[]; smtpResponse?: string };
    const reply = d.smtpResponse ?? '';
    const recipients = (d.recipients ?? []).slice(0, 500).map((a) => ({ address: a, reason: 'delivered' as Reason, hard: false, reply, ...(/^2\d\d/.test(reply) ? { code: Number(reply.slice(0, 3)) } : {}) }));
    return { kind: 'dsn', recipients, ...base };
  }
  return undefined;
}
