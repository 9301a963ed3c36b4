// Webhook endpoints and their durable outbox. The dispatcher (webhooks/dispatcher.ts)
// copies a tenant's events into the outbox per endpoint, after a cursor, then delivers
// outbox rows in id order. Every query that a tenant can reach names the tenant.
import { ValidationError } from '../core/errors.ts';
import { isEventType, type EventType } from '../core/events.ts';
import { nextId } from '../core/ids.ts';
import type { Store } from './database.ts';
import type { WebhookEndpointsTable, WebhookOutboxTable } from './schema.ts';

export const WEBHOOK_FORMATS = ['native', 'mailjet'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];
export type EndpointStatus = 'active' | 'failing' | 'disabled';
export const MIN_RETRY_HOURS = 24;
export const MAX_RETRY_HOURS = 72;

export interface WebhookEndpoint {
  id: number;
  tenantId: number;
  url: string;
  backupUrl: string | null;
  /** empty: every event type */
  eventTypes: EventType[];
  format: WebhookFormat;
  sealedSecret: string;
  status: EndpointStatus;
  cursor: number;
  retryHours: number;
  failingSince: number | null;
  lastError: string | null;
  lastSuccessAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface EndpointInput {
  url?: string;
  backupUrl?: string | null;
  eventTypes?: string[];
  format?: string;
  retryHours?: number;
}

export function toEndpoint(r: WebhookEndpointsTable): WebhookEndpoint {
  return {
    id: Number(r.id),
    tenantId: Number(r.tenant_id),
    url: r.url,
    backupUrl: r.backup_url,
    eventTypes: r.event_types ? (r.event_types.split(',') as EventType[]) : [],
    format: r.format as WebhookFormat,
    sealedSecret: r.secret,
    status: r.status as EndpointStatus,
    cursor: Number(r.cursor),
    retryHours: Number(r.retry_hours),
    failingSince: r.failing_since === null ? null : Number(r.failing_since),
    lastError: r.last_error,
    lastSuccessAt: r.last_success_at === null ? null : Number(r.last_success_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function checkUrl(u: unknown, field: string): string {
  if (typeof u !== 'string' || u.length > 2000) throw new ValidationError(`${field} must be an http(s) URL`);
  let parsed: URL;
  try {
    parsed = new URL(u);
  } catch {
    throw new ValidationError(`${field} must be an http(s) URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ValidationError(`${field} must be an http(s) URL`);
  return parsed.toString();
}

/** Validates a create (all required fields) or an update (only what is given). */
export function validateEndpointInput(i: EndpointInput, creating: boolean): Partial<Pick<WebhookEndpointsTable, 'url' | 'backup_url' | 'event_types' | 'format' | 'retry_hours'>> {
  const out: Partial<Pick<WebhookEndpointsTable, 'url' | 'backup_url' | 'event_types' | 'format' | 'retry_hours'>> = {};
  if (i.url !== undefined || creating) out.url = checkUrl(i.url, 'url');
  if (i.backupUrl !== undefined) out.backup_url = i.backupUrl === null || i.backupUrl === '' ? null : checkUrl(i.backupUrl, 'backup_url');
  if (i.eventTypes !== undefined) {
    if (!Array.isArray(i.eventTypes)) throw new ValidationError('event_types must be an array of event types');
    const bad = i.eventTypes.filter((t) => typeof t !== 'string' || !isEventType(t));
    if (bad.length) throw new ValidationError(`unknown event type(s): ${bad.join(', ')}`);
    out.event_types = [...new Set(i.eventTypes)].join(',');
  } else if (creating) out.event_types = '';
  if (i.format !== undefined || creating) {
    const f = i.format ?? 'native';
    if (!(WEBHOOK_FORMATS as readonly string[]).includes(f)) throw new ValidationError(`format must be one of ${WEBHOOK_FORMATS.join(', ')}`);
    out.format = f;
  }
  if (i.retryHours !== undefined || creating) {
    const h = i.retryHours ?? MIN_RETRY_HOURS;
    if (!Number.isInteger(h) || h < MIN_RETRY_HOURS || h > MAX_RETRY_HOURS) throw new ValidationError(`retry_hours must be an integer from ${MIN_RETRY_HOURS} to ${MAX_RETRY_HOURS}`);
    out.retry_hours = h;
  }
  return out;
}

/** Creates an endpoint that receives events from now on (replay reaches further back). */
export async function createEndpoint(store: Store, tenantId: number, input: EndpointInput, sealedSecret: string, now = Date.now()): Promise<WebhookEndpoint> {
  const v = validateEndpointInput(input, true);
  const row: WebhookEndpointsTable = {
    id: nextId(now),
    tenant_id: tenantId,
    url: v.url as string,
    backup_url: v.backup_url ?? null,
    event_types: v.event_types ?? '',
    format: v.format as string,
    secret: sealedSecret,
    status: 'active',
    cursor: nextId(now),
    retry_hours: v.retry_hours as number,
    failing_since: null,
    last_error: null,
    last_success_at: null,
    created_at: now,
    updated_at: now,
  };
  await store.db.insertInto('webhook_endpoints').values(row).execute();
  return toEndpoint(row);
}

export async function listEndpoints(store: Store, tenantId: number): Promise<WebhookEndpoint[]> {
  const rows = await store.db.selectFrom('webhook_endpoints').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute();
  return rows.map(toEndpoint);
}

export async function getEndpoint(store: Store, tenantId: number, id: number): Promise<WebhookEndpoint | undefined> {
  const r = await store.db.selectFrom('webhook_endpoints').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return r ? toEndpoint(r) : undefined;
}

/** Every endpoint the dispatcher works on (not disabled), across tenants. */
export async function listDispatchableEndpoints(store: Store): Promise<WebhookEndpoint[]> {
  const rows = await store.db.selectFrom('webhook_endpoints').selectAll().where('status', '!=', 'disabled').orderBy('id').execute();
  return rows.map(toEndpoint);
}

/** For the operator: endpoints by status, across tenants. */
export async function listEndpointsByStatus(store: Store, status?: EndpointStatus): Promise<WebhookEndpoint[]> {
  let q = store.db.selectFrom('webhook_endpoints').selectAll();
  if (status) q = q.where('status', '=', status);
  return (await q.orderBy('id').limit(1000).execute()).map(toEndpoint);
}

/**
 * Updates an endpoint. Like Mailjet, any update of a failing endpoint reactivates it, and
 * its held events are retried at once; `status` may be set to `active` or `disabled`.
 */
export async function updateEndpoint(store: Store, tenantId: number, id: number, input: EndpointInput & { status?: string; sealedSecret?: string }, now = Date.now()): Promise<WebhookEndpoint | undefined> {
  const v = validateEndpointInput(input, false);
  if (input.status !== undefined && input.status !== 'active' && input.status !== 'disabled') throw new ValidationError('status can be set to active or disabled');
  const current = await getEndpoint(store, tenantId, id);
  if (!current) return undefined;
  const reactivate = input.status === 'active' || (input.status === undefined && current.status === 'failing');
  await store.db
    .updateTable('webhook_endpoints')
    .set({
      ...v,
      ...(input.sealedSecret ? { secret: input.sealedSecret } : {}),
      ...(input.status === 'disabled' ? { status: 'disabled' } : reactivate ? { status: 'active', failing_since: null } : {}),
      updated_at: now,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
  if (reactivate) {
    await store.db.updateTable('webhook_outbox').set({ next_attempt_at: now, first_failure_at: null }).where('endpoint_id', '=', id).where('status', '=', 'pending').execute();
  }
  return getEndpoint(store, tenantId, id);
}

export async function deleteEndpoint(store: Store, tenantId: number, id: number): Promise<boolean> {
  return store.db.transaction().execute(async (trx) => {
    const r = await trx.deleteFrom('webhook_endpoints').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) return false;
    await trx.deleteFrom('webhook_outbox').where('endpoint_id', '=', id).execute();
    return true;
  });
}

export async function setEndpointState(store: Store, id: number, set: Partial<Pick<WebhookEndpointsTable, 'status' | 'failing_since' | 'last_error' | 'last_success_at'>>, now = Date.now()): Promise<void> {
  await store.db.updateTable('webhook_endpoints').set({ ...set, updated_at: now }).where('id', '=', id).execute();
}

export interface OutboxRow {
  id: number;
  endpointId: number;
  eventId: number;
  replay: boolean;
  attempts: number;
  nextAttemptAt: number;
  firstFailureAt: number | null;
}

function toOutbox(r: WebhookOutboxTable): OutboxRow {
  return {
    id: Number(r.id),
    endpointId: Number(r.endpoint_id),
    eventId: Number(r.event_id),
    replay: Number(r.replay) === 1,
    attempts: Number(r.attempts),
    nextAttemptAt: Number(r.next_attempt_at),
    firstFailureAt: r.first_failure_at === null ? null : Number(r.first_failure_at),
  };
}

/**
 * Copies the endpoint's new events (id after its cursor, up to `upTo`) into the outbox and
 * moves the cursor, in one transaction. The cursor update is conditional on the old value,
 * so two nodes filling at once cannot both enqueue the same events. `accept` filters by
 * type (and format). Returns how many rows were enqueued.
 */
export async function fillOutbox(store: Store, ep: WebhookEndpoint, upTo: number, accept: (type: EventType) => boolean, limit = 1000, now = Date.now()): Promise<number> {
  return store.db.transaction().execute(async (trx) => {
    const events = await trx
      .selectFrom('events')
      .select(['id', 'type'])
      .where('tenant_id', '=', ep.tenantId)
      .where('id', '>', ep.cursor)
      .where('id', '<=', upTo)
      .orderBy('id')
      .limit(limit)
      .execute();
    if (events.length === 0) return 0;
    const moved = await trx
      .updateTable('webhook_endpoints')
      .set({ cursor: Number(events[events.length - 1].id) })
      .where('id', '=', ep.id)
      .where('cursor', '=', ep.cursor)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) return 0;
    const rows: WebhookOutboxTable[] = events
      .filter((e) => accept(e.type as EventType))
      .map((e) => ({
        id: nextId(now),
        endpoint_id: ep.id,
        tenant_id: ep.tenantId,
        event_id: Number(e.id),
        replay: 0,
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        first_failure_at: null,
        last_error: null,
        created_at: now,
        delivered_at: null,
      }));
    for (let k = 0; k < rows.length; k += 200) await trx.insertInto('webhook_outbox').values(rows.slice(k, k + 200)).execute();
    ep.cursor = Number(events[events.length - 1].id);
    return rows.length;
  });
}

/** Enqueues the tenant's events of a time range again (same event ids), behind what is pending. */
export async function enqueueReplay(store: Store, ep: WebhookEndpoint, since: number, until: number, accept: (type: EventType) => boolean, now = Date.now(), max = 100_000): Promise<number> {
  const events = await store.db
    .selectFrom('events')
    .select(['id', 'type'])
    .where('tenant_id', '=', ep.tenantId)
    .where('created_at', '>=', since)
    .where('created_at', '<', until)
    .where('id', '<=', ep.cursor) // later ones reach the endpoint anyway
    .orderBy('id')
    .limit(max)
    .execute();
  const rows: WebhookOutboxTable[] = events
    .filter((e) => accept(e.type as EventType))
    .map((e) => ({
      id: nextId(now),
      endpoint_id: ep.id,
      tenant_id: ep.tenantId,
      event_id: Number(e.id),
      replay: 1,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      first_failure_at: null,
      last_error: null,
      created_at: now,
      delivered_at: null,
    }));
  await store.db.transaction().execute(async (trx) => {
    for (let k = 0; k < rows.length; k += 200) await trx.insertInto('webhook_outbox').values(rows.slice(k, k + 200)).execute();
  });
  return rows.length;
}

/** The first pending rows of an endpoint, in order: what the next POST carries. */
export async function outboxHead(store: Store, endpointId: number, limit: number): Promise<OutboxRow[]> {
  const rows = await store.db.selectFrom('webhook_outbox').selectAll().where('endpoint_id', '=', endpointId).where('status', '=', 'pending').orderBy('id').limit(limit).execute();
  return rows.map(toOutbox);
}

export async function markDelivered(store: Store, ids: number[], now = Date.now()): Promise<void> {
  if (ids.length) await store.db.updateTable('webhook_outbox').set({ status: 'delivered', delivered_at: now }).where('id', 'in', ids).execute();
}

export async function markAttemptFailed(store: Store, rows: OutboxRow[], nextAttemptAt: number, error: string, now = Date.now()): Promise<void> {
  if (rows.length === 0) return;
  const ids = rows.map((r) => r.id);
  await store.db
    .updateTable('webhook_outbox')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: nextAttemptAt, last_error: error.slice(0, 500), first_failure_at: eb.fn.coalesce('first_failure_at', eb.val(now)) }))
    .where('id', 'in', ids)
    .execute();
}

export interface OutboxStats {
  pending: number;
  oldestPendingAt: number | null;
}

export async function outboxStats(store: Store, endpointId: number): Promise<OutboxStats> {
  const r = await store.db
    .selectFrom('webhook_outbox')
    .select((eb) => [eb.fn.countAll().as('n'), eb.fn.min('created_at').as('oldest')])
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return { pending: Number(r.n), oldestPendingAt: r.oldest === null ? null : Number(r.oldest) };
}

/** Deletes delivered rows older than the cut-off (retention). */
export async function pruneDelivered(store: Store, before: number): Promise<number> {
  const r = await store.db.deleteFrom('webhook_outbox').where('status', '=', 'delivered').where('delivered_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/**
 * Takes or renews the named singleton lease (leases table) for `ttlMs`. True when this
 * owner holds it: one dispatcher per cluster, so two nodes never POST the same batch.
 */
export async function acquireLease(store: Store, name: string, owner: string, ttlMs: number, now = Date.now()): Promise<boolean> {
  const until = now + ttlMs;
  await store.db
    .insertInto('leases')
    .values({ name, owner, until })
    .onConflict((oc) => oc.column('name').doUpdateSet({ owner, until }).where((eb) => eb.or([eb('leases.owner', '=', owner), eb('leases.until', '<', now)])))
    .execute();
  const r = await store.db.selectFrom('leases').select('owner').where('name', '=', name).executeTakeFirst();
  return r?.owner === owner;
}

export async function releaseLease(store: Store, name: string, owner: string): Promise<void> {
  await store.db.deleteFrom('leases').where('name', '=', name).where('owner', '=', owner).execute();
}
