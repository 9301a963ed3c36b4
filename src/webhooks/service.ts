// Endpoint management shared by the API and the CLI: secrets are generated here, shown once,
// and stored sealed under the master key.
import type { EventType } from '../core/events.ts';
import { randomToken } from '../core/ids.ts';
import { open, seal } from '../core/secret-box.ts';
import type { Store } from '../store/database.ts';
import { createEndpoint, type EndpointInput, enqueueReplay, getEndpoint, outboxStats, updateEndpoint, type WebhookEndpoint } from '../store/webhooks-repo.ts';
import { endpointAccepts, SECRET_PURPOSE } from './dispatcher.ts';
import { signatureHeader } from './signature.ts';

export function newWebhookSecret(): string {
  return `whsec_${randomToken(32)}`;
}

export async function createWebhook(store: Store, masterKey: Buffer, tenantId: number, input: EndpointInput): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const secret = newWebhookSecret();
  const endpoint = await createEndpoint(store, tenantId, input, seal(masterKey, secret, SECRET_PURPOSE));
  return { endpoint, secret };
}

export async function rotateWebhookSecret(store: Store, masterKey: Buffer, tenantId: number, id: number): Promise<{ endpoint: WebhookEndpoint; secret: string } | undefined> {
  const secret = newWebhookSecret();
  const endpoint = await updateEndpoint(store, tenantId, id, { sealedSecret: seal(masterKey, secret, SECRET_PURPOSE) });
  return endpoint ? { endpoint, secret } : undefined;
}

/** Queues the endpoint's events of [since, until) again; returns how many, or undefined if no such endpoint. */
export async function replayWebhook(store: Store, tenantId: number, id: number, since: number, until: number): Promise<number | undefined> {
  const ep = await getEndpoint(store, tenantId, id);
  if (!ep) return undefined;
  return enqueueReplay(store, ep, since, until, endpointAccepts(ep));
}

/** The JSON a tenant (or the operator) sees: never the secret. */
export async function webhookView(store: Store, ep: WebhookEndpoint) {
  const stats = await outboxStats(store, ep.id);
  return {
    id: ep.id,
    tenant_id: ep.tenantId,
    url: ep.url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@'),
    backup_url: ep.backupUrl ? ep.backupUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@') : null,
    event_types: ep.eventTypes as EventType[],
    format: ep.format,
    status: ep.status,
    retry_hours: ep.retryHours,
    failing_since: ep.failingSince ? new Date(ep.failingSince).toISOString() : null,
    last_error: ep.lastError,
    last_success_at: ep.lastSuccessAt ? new Date(ep.lastSuccessAt).toISOString() : null,
    pending: stats.pending,
    oldest_pending_at: stats.oldestPendingAt ? new Date(stats.oldestPendingAt).toISOString() : null,
    created_at: new Date(ep.createdAt).toISOString(),
  };
}

/**
 * Sends one signed test event to the endpoint's URL now, outside the outbox, and reports
 * what the receiver answered: the "does my verification work?" button.
 */
export async function sendTestEvent(ep: WebhookEndpoint, masterKey: Buffer, timeoutMs = 10_000, now = Date.now()): Promise<{ ok: boolean; status: number | null; error: string | null; ms: number }> {
  const t = Math.floor(now / 1000);
  const item =
    ep.format === 'mailjet'
      ? { event: 'test', time: t, MessageID: 0, Message_GUID: '', email: 'test@example.com', relais_event_id: '0' }
      : { id: '0', type: 'test', created_at: new Date(now).toISOString(), timestamp: t, message_id: null, recipient: 'test@example.com', data: { test: true } };
  const body = JSON.stringify([item]);
  const started = performance.now();
  try {
    const res = await fetch(ep.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Relais-Webhooks/1',
        'relais-signature': signatureHeader(open(masterKey, ep.sealedSecret, SECRET_PURPOSE), t, body),
        'relais-endpoint-id': String(ep.id),
        'relais-delivery-id': 'test',
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel().catch(() => {});
    const ok = res.status >= 200 && res.status <= 299;
    return { ok, status: res.status, error: ok ? null : `HTTP ${res.status}`, ms: Math.round(performance.now() - started) };
  } catch (err) {
    const e = err as Error;
    const error = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `network error: ${(e.cause as Error | undefined)?.message ?? e.message}`;
    return { ok: false, status: null, error, ms: Math.round(performance.now() - started) };
  }
}
