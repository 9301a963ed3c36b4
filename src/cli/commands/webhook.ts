// `relais webhook list|create|update|delete|replay`: webhook endpoints from the operator's
// side (tenants use /v1/webhooks). `list --status failing` shows endpoints that gave up.
import type { EndpointInput, EndpointStatus, WebhookEndpoint } from '../../store/webhooks-repo.ts';
import { deleteEndpoint, getEndpoint, listEndpoints, listEndpointsByStatus, updateEndpoint } from '../../store/webhooks-repo.ts';
import { loadMasterKey } from '../../core/secret-box.ts';
import { createWebhook, replayWebhook, webhookView } from '../../webhooks/service.ts';
import { findTenant } from '../../store/tenants-repo.ts';
import type { CliCommand, ParsedArgs } from '../command.ts';
import { requireNumber, table, withStore } from '../context.ts';

async function requireTenant(store: Parameters<typeof findTenant>[0], id: number): Promise<void> {
  if (!(await findTenant(store, id))) throw new Error(`no tenant ${id} (see relais tenant list)`);
}

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

function inputFlags(a: ParsedArgs): EndpointInput {
  return {
    url: str(a.flags.url),
    backupUrl: a.flags['backup-url'] === undefined ? undefined : (str(a.flags['backup-url']) ?? null),
    eventTypes: str(a.flags.events)?.split(',').map((s) => s.trim()).filter(Boolean),
    format: str(a.flags.format),
    retryHours: a.flags['retry-hours'] === undefined ? undefined : requireNumber(a.flags['retry-hours'], '--retry-hours'),
  };
}

function time(v: string | boolean | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  const t = typeof v === 'string' ? (/^\d+$/.test(v) ? Number(v) : Date.parse(v)) : Number.NaN;
  if (Number.isNaN(t)) throw new Error(`${what} must be a date (ISO 8601) or epoch milliseconds`);
  return t;
}

export const commands: CliCommand[] = [
  {
    words: ['webhook', 'list'],
    summary: 'List webhook endpoints (one tenant, or all; --status failing for those that gave up)',
    usage: 'webhook list [--tenant ID] [--status active|failing|disabled] [--json]',
    async run(args, io) {
      return withStore(async (store) => {
        let eps: WebhookEndpoint[] = args.flags.tenant !== undefined ? await listEndpoints(store, requireNumber(args.flags.tenant, '--tenant')) : await listEndpointsByStatus(store, str(args.flags.status) as EndpointStatus | undefined);
        if (args.flags.status) eps = eps.filter((e) => e.status === args.flags.status);
        const views = await Promise.all(eps.map((e) => webhookView(store, e)));
        if (args.json) io.out(JSON.stringify(views));
        else for (const l of table(views.map((v) => ({ ...v, event_types: v.event_types.join(',') || '*' })), ['id', 'tenant_id', 'status', 'format', 'event_types', 'pending', 'url', 'last_error'])) io.out(l);
        return 0;
      });
    },
  },
  {
    words: ['webhook', 'create'],
    summary: 'Create a webhook endpoint for a tenant (prints the signing secret once)',
    usage: 'webhook create --tenant ID --url URL [--backup-url URL] [--events bounce,complaint,...] [--format native|mailjet] [--retry-hours 24-72] [--json]',
    async run(args, io) {
      const tenantId = requireNumber(args.flags.tenant, '--tenant');
      return withStore(async (store, config) => {
        await requireTenant(store, tenantId);
        const { key } = loadMasterKey(config);
        const { endpoint, secret } = await createWebhook(store, key, tenantId, inputFlags(args));
        if (args.json) io.out(JSON.stringify({ ...(await webhookView(store, endpoint)), secret }));
        else io.out(`Created webhook ${endpoint.id}.\nSigning secret: ${secret}\n(store it now: it is not shown again)`);
        return 0;
      });
    },
  },
  {
    words: ['webhook', 'update'],
    summary: 'Update a webhook endpoint; reactivates a failing one (--status active|disabled)',
    usage: 'webhook update ID --tenant ID [--url URL] [--backup-url URL] [--events ...] [--format F] [--retry-hours H] [--status active|disabled] [--json]',
    async run(args, io) {
      const id = requireNumber(args.positionals[0], 'webhook ID');
      const tenantId = requireNumber(args.flags.tenant, '--tenant');
      return withStore(async (store) => {
        await requireTenant(store, tenantId);
        const ep = await updateEndpoint(store, tenantId, id, { ...inputFlags(args), status: str(args.flags.status) });
        if (!ep) throw new Error(`no webhook ${id} for tenant ${tenantId}`);
        io.out(args.json ? JSON.stringify(await webhookView(store, ep)) : `Webhook ${id} is ${ep.status}.`);
        return 0;
      });
    },
  },
  {
    words: ['webhook', 'delete'],
    summary: 'Delete a webhook endpoint and its outbox',
    usage: 'webhook delete ID --tenant ID',
    async run(args, io) {
      const id = requireNumber(args.positionals[0], 'webhook ID');
      const tenantId = requireNumber(args.flags.tenant, '--tenant');
      return withStore(async (store) => {
        await requireTenant(store, tenantId);
        const ok = await deleteEndpoint(store, tenantId, id);
        io.out(ok ? `Deleted webhook ${id}.` : `No webhook ${id} for tenant ${tenantId}.`);
        return ok ? 0 : 1;
      });
    },
  },
  {
    words: ['webhook', 'replay'],
    summary: 'Send the events of a time range to an endpoint again (same event ids)',
    usage: 'webhook replay ID --tenant ID --since DATE [--until DATE] [--json]',
    async run(args, io) {
      const id = requireNumber(args.positionals[0], 'webhook ID');
      const tenantId = requireNumber(args.flags.tenant, '--tenant');
      const since = time(args.flags.since, '--since');
      if (since === undefined) throw new Error('--since is required');
      const until = time(args.flags.until, '--until') ?? Date.now();
      return withStore(async (store) => {
        await requireTenant(store, tenantId);
        if (!(await getEndpoint(store, tenantId, id))) throw new Error(`no webhook ${id} for tenant ${tenantId}`);
        const n = await replayWebhook(store, tenantId, id, since, until);
        io.out(args.json ? JSON.stringify({ queued: n }) : `Queued ${n} events for webhook ${id}.`);
        return 0;
      });
    },
  },
];
