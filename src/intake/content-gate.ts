// Intake step `content-gate`: scores the message with the content check (src/content) and
// applies the tenant's threshold for its stream. Blocked: the message is refused with the
// top hits; warned: it goes, and the warning is kept on its reception event.
import { checkContent, contentGateDecision } from '../content/index.ts';
import type { ContentInput } from '../content/types.ts';
import { getContentThresholds } from '../store/tenants-repo.ts';
import { mailjetError } from './mailjet/errors.ts';
import { reject } from './steps.ts';
import type { Draft, IntakeStep } from './types.ts';

function contentInput(d: Draft): ContentInput {
  const m = d.message;
  if (m) {
    return {
      subject: m.subject,
      text: m.textPart,
      html: m.htmlPart,
      from: m.from?.email,
      replyTo: m.replyTo?.email,
      headers: { ...m.headers, ...(d.stream === 'marketing' ? { 'List-Unsubscribe': '<https://relais/u/…>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}) },
      stream: d.stream,
      attachments: [...m.attachments, ...m.inlinedAttachments].map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size })),
    } as ContentInput;
  }
  return { raw: d.raw! } as ContentInput;
}

export const contentGateStep: IntakeStep = {
  name: 'content-gate',
  async run(d, ctx) {
    if (!d.message && !d.raw) return;
    const thresholds = await getContentThresholds(ctx.store, d.tenantId);
    const threshold = thresholds[d.stream] ?? undefined;
    let report: Awaited<ReturnType<typeof checkContent>>;
    try {
      report = await checkContent(contentInput(d), { stream: d.stream });
    } catch (err) {
      // The check must never lose a message: an unscorable message is sent with a warning.
      d.warnings.push(`content check failed: ${(err as Error).message}`);
      return;
    }
    const decision = contentGateDecision(report, { stream: d.stream, threshold });
    if (decision.action === 'block') {
      throw reject([mailjetError('content-0001', decision.message, ['Subject', 'TextPart', 'HTMLPart'])], 550, '5.7.1', 'content refused');
    }
    if (decision.action === 'warn') d.warnings.push(decision.message);
  },
};
