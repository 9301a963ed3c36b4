// Endpoint management shared by the API and the CLI: secrets are generated here, shown once,
// and stored sealed under the master key.
import type { EventType } from '../core/events.ts';
import { randomToken } from '../core/ids.ts';
import { seal } from '../core/secret-box.ts';
import type { Store } from '../store/database.ts';
import { createEndpoint, type EndpointInput, enqueueReplay, getEndpoint, outboxStats, updateEndpoint, type WebhookEndpoint } from '../store/webhooks-repo.ts';
import { endpointAccepts, SECRET_PURPOSE } from './dispatcher.ts';

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
