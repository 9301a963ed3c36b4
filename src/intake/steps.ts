// The intake pipeline as named steps, in order (DESIGN §1). Each step reads and fills the
// Draft; a step refuses a message by throwing IntakeRejection. DKIM signing happens at
// delivery (mta/prepare-message.ts): the per-recipient List-Unsubscribe header must be
// signed too, and queued mail then follows a key rotation.
import { attachBodyFacts } from '../auth/body-facts.ts';
import { createHash, createSecretKey, type KeyObject } from 'node:crypto';
import { uuid as newUuid, nextId } from '../core/ids.ts';
import { encodeVerp } from '../feedback/verp.ts';
import { eventRecord } from '../store/events-repo.ts';
import type { MessagesTable } from '../store/schema.ts';
import { getTemplate } from '../store/templates-repo.ts';
import { mailjetError, storeErrors } from './mailjet/errors.ts';
import { applyTemplate, renderMessage } from './mailjet/render-message.ts';
import { buildMime } from './mime/index.ts';
import { type Draft, type IntakeContext, IntakeRejection, type IntakeStep } from './types.ts';

const suppression: IntakeStep = {
  name: 'suppression',
  async runBatch(drafts, ctx) {
    // One lookup per stream for all recipients of the request; dedup per draft after.
    if (!ctx.suppression.checkMany) {
      for (const d of drafts) await suppression.run(d, ctx);
      return;
    }
    for (const stream of ['transactional', 'marketing'] as const) {
      const ds = drafts.filter((d) => d.stream === stream);
      if (ds.length === 0) continue;
      const hits = await ctx.suppression.checkMany(ds[0].tenantId, [...new Set(ds.flatMap((d) => d.recipients.map((r) => r.email)))], stream);
      for (const d of ds) for (const r of d.recipients) {
        const hit = hits.get(r.email);
        if (hit) r.suppressed = { reason: hit.reason };
      }
    }
    const seenInRequest = new Set<string>();
    for (const d of drafts) if (d.options.deduplicateCampaign) await dedupCampaign(d, ctx, seenInRequest);
  },
  async run(d, ctx) {
    if (ctx.suppression.checkMany) {
      const hits = await ctx.suppression.checkMany(d.tenantId, d.recipients.map((r) => r.email), d.stream);
      for (const r of d.recipients) {
        const hit = hits.get(r.email);
        if (hit) r.suppressed = { reason: hit.reason };
      }
    } else {
      for (const r of d.recipients) {
        const hit = await ctx.suppression.check(d.tenantId, r.email, d.stream);
        if (hit) r.suppressed = { reason: hit.reason };
      }
    }
    if (d.options.deduplicateCampaign) await dedupCampaign(d, ctx);
  },
};

/** DeduplicateCampaign: a recipient already sent this campaign is not sent it again. */
async function dedupCampaign(d: Draft, ctx: IntakeContext, seenInRequest = new Set<string>()): Promise<void> {
  const campaign = d.options.customCampaign;
  if (!campaign) return;
  const emails = d.recipients.filter((r) => !r.suppressed).map((r) => r.email);
  if (emails.length === 0) return;
  const seen = await ctx.store.db
    .selectFrom('messages')
    .select('recipient')
    .where('tenant_id', '=', d.tenantId)
    .where('campaign', '=', campaign)
    .where('recipient', 'in', emails)
    .execute();
  const dup = new Set(seen.map((s) => s.recipient));
  for (const r of d.recipients) {
    const key = `${campaign}\0${r.email}`;
    if (dup.has(r.email) || seenInRequest.has(key)) r.suppressed = { reason: 'duplicate in campaign' };
    seenInRequest.add(key);
  }
}

const render: IntakeStep = {
  name: 'render',
  async run(d, ctx) {
    let m = d.message;
    if (!m) return; // SMTP submissions arrive rendered
    if (m.templateId !== undefined) {
      const tpl = await getTemplate(ctx.store, d.tenantId, m.templateId);
      if (!tpl) throw reject([storeErrors.templateNotFound(m.templateId)], 550, '5.6.0', 'unknown template');
      const merged = applyTemplate(m, { subject: tpl.subject ?? undefined, textPart: tpl.textPart ?? undefined, htmlPart: tpl.htmlPart ?? undefined });
      if (!merged.ok) throw reject(merged.errors, 550, '5.6.0', 'template');
      m = merged.message;
    }
    const rendered = renderMessage(m);
    m = rendered.message;
    if (!rendered.ok) {
      // Mailjet's semantics: the request succeeds, the message is blocked with a reason.
      for (const r of d.recipients) r.suppressed = { reason: 'error in template language', detail: rendered.templateErrors.join('; ') };
    } else if (rendered.templateErrors.length > 0) {
      d.warnings.push(`template errors, delivered as rendered (TemplateErrorDeliver): ${rendered.templateErrors.join('; ')}`);
    }
    if (!m.from) throw reject([mailjetError('mj-0003', 'Property "From" is mandatory.', ['From'])], 550, '5.1.7', 'From missing');
    d.message = m;
    d.fromAddress = m.from.email;
    d.subject = m.subject ?? null;
  },
};

const buildMimeStep: IntakeStep = {
  name: 'build-mime',
  run(d, ctx) {
    const m = d.message;
    if (!m) return;
    const messageIdHeader = `<${newUuid()}@${ctx.config.hostname}>`;
    d.messageIdHeader = messageIdHeader;
    d.raw = buildMime(m, {
      messageIdHeader,
      date: new Date(),
      feedbackId: feedbackId(d),
      extraHeaders: {},
    });
  },
};

/** Gmail's Feedback-ID: campaign:customer:stream:sender-id, left to right most to least specific. */
export function feedbackId(d: Pick<Draft, 'options' | 'tenantId' | 'stream'>): string {
  const campaign = (d.options.customCampaign ?? 'none').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60);
  return `${campaign}:${d.tenantId}:${d.stream}:relais`;
}

// HMAC with a raw Buffer key builds a KeyObject per call; build it once per key.
const verpKeys = new WeakMap<Buffer, KeyObject>();
function verpKeyObject(key: Buffer): KeyObject {
  let k = verpKeys.get(key);
  if (!k) verpKeys.set(key, (k = createSecretKey(key)));
  return k;
}

const spoolStep: IntakeStep = {
  name: 'spool',
  async run(d, ctx) {
    if (!d.raw) throw new Error('spool step reached without a message body');
    if (d.sandbox) return;
    const now = Date.now();
    const bodyId = nextId();
    const maxAgeH = d.stream === 'marketing' ? ctx.config.marketingMaxAgeHours : ctx.config.transactionalMaxAgeHours;
    const messages: MessagesTable[] = [];
    const events = [];
    for (const r of d.recipients) {
      const status = r.suppressed ? 'suppressed' : 'queued';
      const domain = r.email.slice(r.email.lastIndexOf('@') + 1).toLowerCase();
      messages.push({
        id: r.id,
        uuid: r.uuid,
        tenant_id: d.tenantId,
        body_id: bodyId,
        stream: d.stream,
        campaign: d.options.customCampaign ?? null,
        custom_id: d.options.customId || null,
        event_payload: d.options.eventPayload ?? null,
        // each recipient row has its own message id, so the VERP recipient index is always 0
        mail_from: encodeVerp({ messageId: r.id, recipientId: 0, bounceDomain: d.returnPathDomain ?? ctx.config.bounceDomain, secret: verpKeyObject(ctx.verpKey) }),
        recipient: r.email,
        recipient_domain: domain,
        from_addr: d.fromAddress,
        subject: d.subject,
        status,
        attempts: 0,
        next_attempt_at: now,
        expires_at: now + maxAgeH * 3600_000,
        created_at: now,
        updated_at: now,
        last_reply: null,
        egress_ip: null,
        lease_owner: null,
        lease_until: null,
      });
      const base = { tenantId: d.tenantId, messageId: r.id, recipient: r.email, createdAt: now };
      events.push(
        r.suppressed
          ? eventRecord({ ...base, type: 'suppressed', data: { reason: r.suppressed.reason, detail: r.suppressed.detail, source: d.source } })
          : eventRecord({ ...base, type: 'reception', data: { source: d.source, stream: d.stream, customId: d.options.customId || undefined, campaign: d.options.customCampaign, warnings: d.warnings.length ? d.warnings : undefined } }),
      );
    }
    const body = { id: bodyId, tenant_id: d.tenantId, raw: d.raw, size: d.raw.length, created_at: now };
    if (d.bodyFacts) attachBodyFacts(body, d.bodyFacts);
    // A body is kept only while a recipient may still be sent it (see applyOutcomes): with
    // every recipient suppressed it is not stored at all.
    const wanted = d.recipients.some((r) => !r.suppressed);
    d.batch = { bodies: wanted ? [body] : [], messages, events };
  },
};

export function reject(errors: ReturnType<typeof mailjetError>[], code: number, enhanced: string, text: string): IntakeRejection {
  return new IntakeRejection(errors, { code, enhanced, text: `${text}: ${errors.map((e) => e.ErrorMessage).join('; ')}` });
}

export const DEFAULT_STEPS: IntakeStep[] = [suppression, render, buildMimeStep, spoolStep];

/** Hash of a request body, for Idempotency-Key comparisons. */
export function bodyHash(body: string | Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

export function newRecipient(email: string, kind: 'to' | 'cc' | 'bcc') {
  return { email, kind, id: nextId(), uuid: newUuid() };
}
