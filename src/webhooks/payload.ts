// Webhook bodies. Both formats are a JSON array of events in outbox order.
//   native:  { id, type, created_at, timestamp, message_id, message_uuid, recipient, stream,
//              custom_id, campaign, payload, data }  — `id` is the stored event's id, the
//              same on every retry and replay: deduplicate on it.
//   mailjet: Mailjet Event API v2 objects (`event`, `time`, `MessageID`, `Message_GUID`,
//              `email`, `CustomID`, `Payload`, ...) plus `relais_event_id`. Types without a
//              Mailjet counterpart (reception, deferral) are not sent in this format.
import type { EventType } from '../core/events.ts';
import type { Store } from '../store/database.ts';
import { type EventRow, toEventRow } from '../store/events-repo.ts';

export interface MessageInfo {
  id: number;
  uuid: string;
  stream: string;
  customId: string | null;
  campaign: string | null;
  payload: string | null;
}

const MAILJET_EVENT: Partial<Record<EventType, string>> = {
  delivery: 'sent',
  bounce: 'bounce',
  expiration: 'bounce',
  suppressed: 'blocked',
  complaint: 'spam',
  unsubscribe: 'unsub',
  open: 'open',
  click: 'click',
};

export function mailjetHasType(t: EventType): boolean {
  return MAILJET_EVENT[t] !== undefined;
}

// Our reasons (Sisimai names) → Mailjet's error_related_to / error.
const MJ_ERROR: Record<string, [string, string]> = {
  userunknown: ['recipient', 'user unknown'],
  hasmoved: ['recipient', 'user unknown'],
  mailboxfull: ['recipient', 'quota exceeded'],
  suspend: ['recipient', 'mailbox inactive'],
  hostunknown: ['domain', 'invalid domain'],
  notaccept: ['domain', 'no mail host'],
  norelaying: ['domain', 'relay/access denied'],
  ratelimited: ['domain', 'greylisted'],
  blocked: ['spam', 'sender blocked'],
  badreputation: ['spam', 'sender blocked'],
  requireptr: ['spam', 'sender blocked'],
  authfailure: ['spam', 'sender blocked'],
  spamdetected: ['spam', 'content blocked'],
  contenterror: ['spam', 'content blocked'],
  virusdetected: ['spam', 'content blocked'],
  filtered: ['spam', 'policy issue'],
  rejected: ['spam', 'policy issue'],
  policyviolation: ['spam', 'policy issue'],
  networkerror: ['system', 'connection issue'],
  expired: ['system', 'connection issue'],
  syntaxerror: ['system', 'protocol issue'],
  notcompliantrfc: ['system', 'protocol issue'],
  failedstarttls: ['system', 'protocol issue'],
  securityerror: ['system', 'protocol issue'],
};

const MJ_BLOCKED: Record<string, [string, string]> = {
  hard_bounce: ['mailjet', 'preblocked'],
  invalid: ['recipient', 'user unknown'],
  complaint: ['recipient', 'spam reporter'],
  unsubscribe: ['recipient', 'unsubscribed'],
  manual: ['recipient', 'blacklisted'],
  'duplicate in campaign': ['mailjet', 'duplicate in campaign'],
};

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

export function nativeEvent(e: EventRow, m: MessageInfo | undefined): Record<string, unknown> {
  return {
    id: String(e.id),
    type: e.type,
    created_at: new Date(e.createdAt).toISOString(),
    timestamp: Math.floor(e.createdAt / 1000),
    message_id: e.messageId,
    message_uuid: m?.uuid ?? null,
    recipient: e.recipient,
    stream: m?.stream ?? (typeof e.data.stream === 'string' ? e.data.stream : null),
    custom_id: m?.customId ?? null,
    campaign: m?.campaign ?? null,
    payload: m?.payload ?? null,
    data: e.data,
  };
}

export function mailjetEvent(e: EventRow, m: MessageInfo | undefined): Record<string, unknown> | null {
  const event = MAILJET_EVENT[e.type];
  if (!event) return null;
  const d = e.data;
  const base: Record<string, unknown> = {
    event,
    time: Math.floor(e.createdAt / 1000),
    MessageID: e.messageId ?? 0,
    Message_GUID: m?.uuid ?? '',
    email: e.recipient ?? '',
    mj_campaign_id: 0,
    mj_contact_id: 0,
    customcampaign: m?.campaign ?? '',
    CustomID: m?.customId ?? '',
    Payload: m?.payload ?? '',
    relais_event_id: String(e.id),
  };
  switch (e.type) {
    case 'delivery':
      return { ...base, mj_message_id: String(e.messageId ?? ''), smtp_reply: str(d.reply ?? d.smtp_reply) };
    case 'bounce':
    case 'expiration': {
      const reason = str(d.reason) || (e.type === 'expiration' ? 'expired' : '');
      const [rel, err] = MJ_ERROR[reason] ?? ['system', 'system issue'];
      const hard = d.hard === true;
      return { ...base, blocked: hard, hard_bounce: hard, error_related_to: rel, error: err, comment: str(d.reply ?? d.comment) };
    }
    case 'suppressed': {
      const [rel, err] = MJ_BLOCKED[str(d.reason)] ?? ['mailjet', 'preblocked'];
      return { ...base, error_related_to: rel, error: err };
    }
    case 'complaint':
      return { ...base, source: str(d.source) || 'FBL' };
    case 'unsubscribe':
      return { ...base, mj_list_id: d.list ?? 0, ip: str(d.ip), geo: str(d.geo), agent: str(d.agent) };
    case 'open':
      return { ...base, ip: str(d.ip), geo: str(d.geo), agent: str(d.agent) };
    case 'click':
      return { ...base, url: str(d.url), ip: str(d.ip), geo: str(d.geo), agent: str(d.agent) };
    default:
      return null;
  }
}

/** Loads the events (by id, in the order given) and their messages. */
export async function loadEventsWithMessages(store: Store, eventIds: number[]): Promise<{ event: EventRow; message?: MessageInfo }[]> {
  if (eventIds.length === 0) return [];
  const rows = await store.db.selectFrom('events').selectAll().where('id', 'in', eventIds).execute();
  const byId = new Map(rows.map((r) => [Number(r.id), toEventRow(r)]));
  const msgIds = [...new Set(rows.map((r) => r.message_id).filter((x): x is number => x !== null).map(Number))];
  const msgs = msgIds.length
    ? await store.db.selectFrom('messages').select(['id', 'uuid', 'stream', 'custom_id', 'campaign', 'event_payload']).where('id', 'in', msgIds).execute()
    : [];
  const mById = new Map(msgs.map((m) => [Number(m.id), { id: Number(m.id), uuid: m.uuid, stream: m.stream, customId: m.custom_id, campaign: m.campaign, payload: m.event_payload }]));
  const out: { event: EventRow; message?: MessageInfo }[] = [];
  for (const id of eventIds) {
    const ev = byId.get(id);
    if (ev) out.push({ event: ev, message: ev.messageId === null ? undefined : mById.get(ev.messageId) });
  }
  return out;
}
