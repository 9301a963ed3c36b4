// What a piece of recipient feedback does to the store: an event on the message (or the
// tenant) and, where the policy says so, a suppression. Shared by the MX (DSNs, ARF,
// mailto unsubscribes) and the one-click unsubscribe route.
//
// Policy:
//   hard bounce            → tenant-wide suppression (the address does not exist)
//   complaint (marketing)  → marketing-stream suppression: password resets still go
//   complaint (other)      → tenant-wide suppression
//   unsubscribe            → the list's suppression when the token names a list, else the
//                            stream's (usually marketing)
import type { Stream } from '../core/events.ts';
import type { Store } from '../store/database.ts';
import { eventRecord, recordEvents } from '../store/events-repo.ts';
import { addSuppression, type SuppressionScope } from '../store/suppressions-repo.ts';

export interface MessageRef {
  id: number;
  tenantId: number;
  recipient: string;
  stream: Stream;
  status: string;
  /** the egress IP that delivered it (null before delivery) */
  egressIp?: string | null;
}

export async function findMessageRef(store: Store, id: number): Promise<MessageRef | undefined> {
  const m = await store.db.selectFrom('messages').select(['id', 'tenant_id', 'recipient', 'stream', 'status', 'egress_ip']).where('id', '=', id).executeTakeFirst();
  if (!m) return undefined;
  return { id: Number(m.id), tenantId: Number(m.tenant_id), recipient: m.recipient, stream: m.stream as Stream, status: m.status, egressIp: m.egress_ip };
}

export interface AsyncBounce {
  reason: string;
  hard: boolean;
  enhanced?: string;
  code?: number;
  reply: string;
  remoteMta?: string;
  /** the address the DSN names, when it differs from the message's recipient */
  reportedRecipient?: string;
}

/** Records a DSN's failure on the message. Returns false when this message already has one. */
export async function recordAsyncBounce(store: Store, msg: MessageRef, b: AsyncBounce, now = Date.now()): Promise<{ recorded: boolean; suppressed: boolean }> {
  const prior = await store.db.selectFrom('events').select(['id', 'data']).where('message_id', '=', msg.id).where('type', '=', 'bounce').execute();
  if (prior.some((p) => (JSON.parse(p.data) as { source?: string }).source === 'dsn')) return { recorded: false, suppressed: false };
  await recordEvents(store, [
    eventRecord({
      tenantId: msg.tenantId,
      messageId: msg.id,
      type: 'bounce',
      recipient: msg.recipient,
      createdAt: now,
      data: { source: 'dsn', reason: b.reason, hard: b.hard, enhanced: b.enhanced ?? null, code: b.code ?? null, reply: b.reply.slice(0, 1000), remote_mta: b.remoteMta ?? null },
    }),
  ]);
  // An asynchronous bounce arrives after the receiving MX accepted the message.
  await store.db.updateTable('messages').set({ status: 'bounced', last_reply: b.reply.slice(0, 1000), updated_at: now }).where('id', '=', msg.id).where('status', '=', 'sent').execute();
  let suppressed = false;
  if (b.hard) {
    const s = await addSuppression(store, msg.tenantId, { address: msg.recipient, reason: 'hard_bounce', origin: 'system', detail: `${b.enhanced ?? ''} ${b.reason}`.trim(), messageId: msg.id }, now);
    suppressed = s.created;
  }
  return { recorded: true, suppressed };
}

export interface ComplaintInfo {
  feedbackType?: string;
  /** the FBL programme or reporting agent (Mailjet's `source`) */
  source?: string;
  sourceIp?: string;
  arrivalDate?: string;
  reportedDomain?: string;
}

export async function recordComplaint(store: Store, msg: MessageRef, info: ComplaintInfo, now = Date.now()): Promise<{ recorded: boolean; suppressed: boolean }> {
  const prior = await store.db.selectFrom('events').select('id').where('message_id', '=', msg.id).where('type', '=', 'complaint').executeTakeFirst();
  let recorded = false;
  if (!prior) {
    await recordEvents(store, [
      eventRecord({
        tenantId: msg.tenantId,
        messageId: msg.id,
        type: 'complaint',
        recipient: msg.recipient,
        createdAt: now,
        // egress_ip and the tenant are the reputation signal: which of our IPs and senders drew it
        data: { feedback_type: info.feedbackType ?? 'abuse', source: info.source ?? null, source_ip: info.sourceIp ?? null, egress_ip: msg.egressIp ?? null, arrival_date: info.arrivalDate ?? null, reported_domain: info.reportedDomain ?? null },
      }),
    ]);
    recorded = true;
  }
  const scope: { scope: SuppressionScope; scopeValue?: string } = msg.stream === 'marketing' ? { scope: 'stream', scopeValue: 'marketing' } : { scope: 'tenant' };
  const s = await addSuppression(store, msg.tenantId, { address: msg.recipient, ...scope, reason: 'complaint', origin: 'recipient', detail: info.source ?? info.feedbackType ?? null, messageId: msg.id }, now);
  return { recorded, suppressed: s.created };
}

export interface UnsubscribeRequest {
  tenantId: number;
  address: string;
  stream: Stream;
  list?: string;
  messageId?: number | null;
  /** how it arrived: one-click, mailto, page (the confirmation page's button), apple */
  via: string;
  ip?: string;
  agent?: string;
}

/** Suppresses and records an `unsubscribe` event, once: a repeated request changes nothing. */
export async function recordUnsubscribe(store: Store, u: UnsubscribeRequest, now = Date.now()): Promise<{ created: boolean }> {
  const scope: { scope: SuppressionScope; scopeValue: string } = u.list ? { scope: 'list', scopeValue: u.list } : { scope: 'stream', scopeValue: u.stream };
  const s = await addSuppression(store, u.tenantId, { address: u.address, ...scope, reason: 'unsubscribe', origin: 'recipient', detail: u.via, messageId: u.messageId ?? null }, now);
  if (s.created) {
    await recordEvents(store, [
      eventRecord({
        tenantId: u.tenantId,
        messageId: u.messageId ?? null,
        type: 'unsubscribe',
        recipient: s.entry.address,
        createdAt: now,
        data: { via: u.via, stream: u.stream, list: u.list ?? null, ip: u.ip ?? null, agent: u.agent?.slice(0, 300) ?? null },
      }),
    ]);
  }
  return { created: s.created };
}
