// Events and the tenant-scoped read side of messages. Every query names the tenant.
import type { EventType } from '../core/events.ts';
import { nextId } from '../core/ids.ts';
import type { Store } from './database.ts';
import type { EventsTable } from './schema.ts';

export interface EventRow {
  id: number;
  tenantId: number;
  messageId: number | null;
  type: EventType;
  recipient: string | null;
  createdAt: number;
  data: Record<string, unknown>;
}

export function toEventRow(r: EventsTable): EventRow {
  return {
    id: Number(r.id),
    tenantId: Number(r.tenant_id),
    messageId: r.message_id === null ? null : Number(r.message_id),
    type: r.type as EventType,
    recipient: r.recipient,
    createdAt: Number(r.created_at),
    data: JSON.parse(r.data),
  };
}

export function eventRecord(e: Omit<EventRow, 'id' | 'createdAt'> & { createdAt?: number }): EventsTable {
  return {
    id: nextId(),
    tenant_id: e.tenantId,
    message_id: e.messageId,
    type: e.type,
    recipient: e.recipient,
    created_at: e.createdAt ?? Date.now(),
    data: JSON.stringify(e.data),
  };
}

export async function recordEvents(store: Store, events: EventsTable[]): Promise<void> {
  if (events.length > 0) await store.db.insertInto('events').values(events).execute();
}

export interface EventFilter {
  type?: EventType;
  since?: number;
  until?: number;
  customId?: string;
  campaign?: string;
  messageId?: number;
  /** return events with id greater than this (paging cursor) */
  after?: number;
  limit?: number;
}

export async function listEvents(store: Store, tenantId: number, f: EventFilter): Promise<EventRow[]> {
  let q = store.db.selectFrom('events').selectAll('events').where('events.tenant_id', '=', tenantId);
  if (f.type) q = q.where('events.type', '=', f.type);
  if (f.since !== undefined) q = q.where('events.created_at', '>=', f.since);
  if (f.until !== undefined) q = q.where('events.created_at', '<', f.until);
  if (f.messageId !== undefined) q = q.where('events.message_id', '=', f.messageId);
  if (f.after !== undefined) q = q.where('events.id', '>', f.after);
  if (f.customId !== undefined || f.campaign !== undefined) {
    let sub = store.db.selectFrom('messages').select('messages.id').where('messages.tenant_id', '=', tenantId);
    if (f.customId !== undefined) sub = sub.where('messages.custom_id', '=', f.customId);
    if (f.campaign !== undefined) sub = sub.where('messages.campaign', '=', f.campaign);
    q = q.where('events.message_id', 'in', sub);
  }
  const rows = await q.orderBy('events.id').limit(Math.min(f.limit ?? 100, 1000)).execute();
  return rows.map(toEventRow);
}

export interface MessageView {
  id: number;
  uuid: string;
  status: string;
  stream: string;
  recipient: string;
  from: string;
  subject: string | null;
  campaign: string | null;
  customId: string | null;
  attempts: number;
  createdAt: number;
  lastReply: string | null;
  events: EventRow[];
}

/** One message of this tenant, or undefined (also when it belongs to another tenant). */
export async function getMessageView(store: Store, tenantId: number, id: number): Promise<MessageView | undefined> {
  const m = await store.db.selectFrom('messages').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!m) return undefined;
  const events = await listEvents(store, tenantId, { messageId: id, limit: 1000 });
  return {
    id: Number(m.id),
    uuid: m.uuid,
    status: m.status,
    stream: m.stream,
    recipient: m.recipient,
    from: m.from_addr,
    subject: m.subject,
    campaign: m.campaign,
    customId: m.custom_id,
    attempts: Number(m.attempts),
    createdAt: Number(m.created_at),
    lastReply: m.last_reply,
    events,
  };
}
