// The render step for a validated message: fill in a stored template (TemplateID), then
// interpret the template language when TemplateLanguage is true, applying Mailjet's
// TemplateErrorDeliver rule (default: a template error blocks the message).
import { type MailjetError, mailjetError } from './errors.ts';
import { renderTemplate } from './template.ts';
import type { Address, NormalizedMessage } from './types.ts';

/** The parts of a stored template that a message can use. */
export interface StoredTemplate {
  subject?: string;
  textPart?: string;
  htmlPart?: string;
  from?: Address;
  replyTo?: Address;
  headers?: Record<string, string>;
}

/**
 * Merges a stored template into the message: message values win over the template's
 * From/Subject/Reply-To/headers; the template supplies the body parts. An HTMLPart in the
 * message plus an HTML part in the template is Mailjet's send-0004.
 */
export function applyTemplate(
  msg: NormalizedMessage,
  tpl: StoredTemplate,
): { ok: true; message: NormalizedMessage } | { ok: false; errors: MailjetError[] } {
  const errors: MailjetError[] = [];
  if (msg.htmlPart && tpl.htmlPart) {
    errors.push(
      mailjetError('send-0004', 'HTMLPart cannot be used with a template that has its own HTML part.', ['HTMLPart', 'TemplateID']),
    );
  }
  const out: NormalizedMessage = { ...msg, headers: { ...(tpl.headers ?? {}), ...msg.headers } };
  if (!out.from && tpl.from) out.from = tpl.from;
  if (!out.replyTo && tpl.replyTo) out.replyTo = tpl.replyTo;
  if (out.subject === undefined && tpl.subject !== undefined) out.subject = tpl.subject;
  if (tpl.textPart) out.textPart = tpl.textPart;
  if (tpl.htmlPart) out.htmlPart = tpl.htmlPart;
  if (!out.from) errors.push(mailjetError('mj-0003', 'Missing mandatory property.', ['From']));
  if (!out.textPart && !out.htmlPart) {
    errors.push(
      mailjetError('send-0003', 'At least "HTMLPart", "TextPart" or "TemplateID" must be provided.', ['TextPart', 'HTMLPart', 'TemplateID']),
    );
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, message: out };
}

export type RenderMessageResult =
  /** Deliver `message`. `templateErrors` is non-empty when TemplateErrorDeliver let it through. */
  | { ok: true; message: NormalizedMessage; templateErrors: string[] }
  /** Blocked by a template error (Mailjet: `blocked` event, error_related_to "content"). */
  | { ok: false; message: NormalizedMessage; templateErrors: string[] };

/** Applies the template language to Subject, TextPart and HTMLPart (HTML-escaped values). */
export function renderMessage(msg: NormalizedMessage): RenderMessageResult {
  if (!msg.templateLanguage) return { ok: true, message: msg, templateErrors: [] };
  const out: NormalizedMessage = { ...msg };
  const errors: string[] = [];
  if (msg.subject !== undefined) {
    const r = renderTemplate(msg.subject, msg.variables);
    for (const e of r.errors) errors.push(`Subject: ${e}`);
    // a variable must not be able to end the Subject header
    out.subject = r.text.replace(/[\r\n\0]+/g, ' ');
  }
  if (msg.textPart !== undefined) {
    const r = renderTemplate(msg.textPart, msg.variables);
    for (const e of r.errors) errors.push(`TextPart: ${e}`);
    out.textPart = r.text;
  }
  if (msg.htmlPart !== undefined) {
    const r = renderTemplate(msg.htmlPart, msg.variables, { html: true });
    for (const e of r.errors) errors.push(`HTMLPart: ${e}`);
    out.htmlPart = r.text;
  }
  if (errors.length > 0 && !msg.templateErrorDeliver) return { ok: false, message: out, templateErrors: errors };
  return { ok: true, message: out, templateErrors: errors };
}
