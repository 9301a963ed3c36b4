// The one event vocabulary (DESIGN §1), used by the store, API, webhooks and dashboard.

export const EVENT_TYPES = [
  'reception',
  'delivery',
  'deferral',
  'bounce',
  'expiration',
  'suppressed',
  'complaint',
  'unsubscribe',
  'open',
  'click',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(s: string): s is EventType {
  return (EVENT_TYPES as readonly string[]).includes(s);
}

export const STREAMS = ['transactional', 'marketing'] as const;
export type Stream = (typeof STREAMS)[number];

/** An event as stored and fanned out. `data` holds type-specific detail (reply text, MX, IP...). */
export interface RelaisEvent {
  id: number;
  tenantId: number;
  messageId: number | null;
  type: EventType;
  recipient: string | null;
  createdAt: Date;
  data: Record<string, unknown>;
}
