// Tenant API for suppressions (/v1/suppressions) and webhooks (/v1/webhooks), the public
// one-click unsubscribe endpoint (/u/:token), and operator views (/v1/admin/webhooks,
// /v1/admin/inbound-reports). Mounted through extraMounts/adminMounts by
// runtime/feedback-extension.ts.
import type { Context, Hono } from 'hono';
import { Counter } from 'prom-client';
import { ValidationError } from '../core/errors.ts';
import type { Store } from '../store/database.ts';
import {
  addSuppressions,
  listSuppressions,
  removeSuppression,
  SUPPRESSION_ORIGINS,
  SUPPRESSION_REASONS,
  SUPPRESSION_SCOPES,
  type SuppressionFilter,
  type SuppressionInput,
  type Suppression,
  validateSuppression,
} from '../store/suppressions-repo.ts';
import { deleteEndpoint, getEndpoint, listEndpoints, listEndpointsByStatus, updateEndpoint, type EndpointStatus } from '../store/webhooks-repo.ts';
import { csvToSuppressions, suppressionsToCsv } from '../suppression/csv.ts';
import { confirmationPage, peekUnsubscribe, performUnsubscribe, resultPage } from '../suppression/unsubscribe-handler.ts';
import { createWebhook, replayWebhook, rotateWebhookSecret, sendTestEvent, webhookView } from '../webhooks/service.ts';
import type { ApiDeps } from './deps.ts';
import { documentRoute } from './openapi.ts';
import { principal, problem, readJsonObject as jsonBody } from './request-helpers.ts';

/** Master key per running node's store (ApiDeps has none): set by the feedback extension. */
export const nodeMasterKeys = new WeakMap<Store, Buffer>();

function masterKey(deps: ApiDeps): Buffer {
  const k = (deps as ApiDeps & { masterKey?: Buffer }).masterKey ?? nodeMasterKeys.get(deps.store);
  if (!k) throw new Error('feedback routes: no master key registered for this node (load runtime/feedback-extension.ts before startNode)');
  return k;
}



function unknownKeys(o: Record<string, unknown>, allowed: string[]): string[] {
  return Object.keys(o).filter((k) => !allowed.includes(k));
}

/** epoch ms or an ISO date; undefined when absent */
function timeParam(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v === 'string') {
    if (/^\d{1,16}$/.test(v)) return Number(v);
    const t = Date.parse(v);
    if (!Number.isNaN(t)) return t;
  }
  throw new ValidationError(`${name} must be epoch milliseconds or an ISO 8601 date`);
}

function intQuery(v: string | undefined, name: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  if (!/^\d{1,16}$/.test(v)) throw new ValidationError(`${name} must be a non-negative integer`);
  return Number(v);
}

export function suppressionJson(s: Suppression) {
  return {
    id: s.id,
    email: s.address,
    scope: s.scope,
    scope_value: s.scopeValue || null,
    reason: s.reason,
    origin: s.origin,
    detail: s.detail,
    message_id: s.messageId,
    created_at: new Date(s.createdAt).toISOString(),
  };
}

const FILTER_KEYS = ['email', 'contains', 'scope', 'scope_value', 'reason', 'origin', 'since', 'until', 'after', 'limit'];

function suppressionFilter(q: Record<string, string>): SuppressionFilter {
  const bad = unknownKeys(q, FILTER_KEYS);
  if (bad.length) throw new ValidationError(`unknown query parameter(s): ${bad.join(', ')}`);
  if (q.scope && !(SUPPRESSION_SCOPES as readonly string[]).includes(q.scope)) throw new ValidationError(`scope must be one of ${SUPPRESSION_SCOPES.join(', ')}`);
  if (q.reason && !(SUPPRESSION_REASONS as readonly string[]).includes(q.reason)) throw new ValidationError(`reason must be one of ${SUPPRESSION_REASONS.join(', ')}`);
  if (q.origin && !(SUPPRESSION_ORIGINS as readonly string[]).includes(q.origin)) throw new ValidationError(`origin must be one of ${SUPPRESSION_ORIGINS.join(', ')}`);
  return {
    address: q.email || undefined,
    contains: q.contains || undefined,
    scope: (q.scope || undefined) as SuppressionFilter['scope'],
    scopeValue: q.scope_value || undefined,
    reason: (q.reason || undefined) as SuppressionFilter['reason'],
    origin: (q.origin || undefined) as SuppressionFilter['origin'],
    since: timeParam(q.since, 'since'),
    until: timeParam(q.until, 'until'),
    after: intQuery(q.after, 'after'),
    limit: intQuery(q.limit, 'limit'),
  };
}

function entryInput(e: Record<string, unknown>, origin: SuppressionInput['origin']): SuppressionInput {
  const bad = unknownKeys(e, ['email', 'scope', 'scope_value', 'reason', 'detail']);
  if (bad.length) throw new ValidationError(`unknown field(s): ${bad.join(', ')}`);
  if (typeof e.email !== 'string') throw new ValidationError('email (string) is required');
  return {
    address: e.email,
    scope: (e.scope ?? 'tenant') as SuppressionInput['scope'],
    scopeValue: typeof e.scope_value === 'string' ? e.scope_value : undefined,
    reason: (e.reason ?? 'manual') as SuppressionInput['reason'],
    origin,
    detail: typeof e.detail === 'string' ? e.detail : null,
  };
}

function webhookInput(b: Record<string, unknown>) {
  const bad = unknownKeys(b, ['url', 'backup_url', 'event_types', 'format', 'retry_hours', 'status']);
  if (bad.length) throw new ValidationError(`unknown field(s): ${bad.join(', ')}`);
  return {
    url: b.url as string | undefined,
    backupUrl: b.backup_url as string | null | undefined,
    eventTypes: b.event_types as string[] | undefined,
    format: b.format as string | undefined,
    retryHours: b.retry_hours as number | undefined,
    status: b.status as string | undefined,
  };
}

const ROUTES: Parameters<typeof documentRoute>[0][] = [
  { method: 'get', path: '/v1/suppressions', summary: 'Suppressions, paged (email, contains, scope, scope_value, reason, origin, since, until, after, limit)', security: [{ basicAuth: [] }] },
  { method: 'post', path: '/v1/suppressions', summary: 'Add suppressions: {email, scope, scope_value, reason, detail} or {entries: [...]}', security: [{ basicAuth: [] }] },
  { method: 'delete', path: '/v1/suppressions/{email}', summary: 'Remove an address (all scopes, or ?scope=&scope_value=)', security: [{ basicAuth: [] }] },
  { method: 'post', path: '/v1/suppressions/import', summary: 'Bulk import from CSV (text/csv; email column; ?scope=&scope_value=&reason=)', security: [{ basicAuth: [] }] },
  { method: 'get', path: '/v1/suppressions/export', summary: 'Export as CSV (same filters as the list)', security: [{ basicAuth: [] }] },
  { method: 'get', path: '/v1/webhooks', summary: 'Webhook endpoints with status and pending count', security: [{ basicAuth: [] }] },
  { method: 'post', path: '/v1/webhooks', summary: 'Create a webhook endpoint (url, backup_url, event_types, format native|mailjet, retry_hours 24-72); the signing secret is shown once', security: [{ basicAuth: [] }] },
  { method: 'get', path: '/v1/webhooks/{id}', summary: 'A webhook endpoint', security: [{ basicAuth: [] }] },
  { method: 'patch', path: '/v1/webhooks/{id}', summary: 'Update (any update reactivates a failing endpoint; status active|disabled)', security: [{ basicAuth: [] }] },
  { method: 'delete', path: '/v1/webhooks/{id}', summary: 'Delete a webhook endpoint and its outbox', security: [{ basicAuth: [] }] },
  { method: 'post', path: '/v1/webhooks/{id}/replay', summary: 'Send the events of a time range again ({since, until}); same event ids', security: [{ basicAuth: [] }] },
  { method: 'post', path: '/v1/webhooks/{id}/test', summary: 'Send one signed test event now and report what the receiver answered', security: [{ basicAuth: [] }] },
  { method: 'post', path: '/v1/webhooks/{id}/rotate-secret', summary: 'New signing secret (shown once)', security: [{ basicAuth: [] }] },
  { method: 'get', path: '/u/{token}', summary: 'Unsubscribe confirmation page (never unsubscribes by itself)' },
  { method: 'post', path: '/u/{token}', summary: 'RFC 8058 one-click unsubscribe: form body List-Unsubscribe=One-Click, no auth' },
  { method: 'get', path: '/v1/admin/webhooks', summary: 'Webhook endpoints of all tenants (?status=failing)', security: [{ adminToken: [] }] },
  { method: 'get', path: '/v1/admin/inbound-reports', summary: 'Inbound reports the MX dropped or could not attribute (?outcome=&after=&limit=)', security: [{ adminToken: [] }] },
];

function counterFor(deps: ApiDeps) {
  const reg = deps.metrics.registry;
  return (
    (reg.getSingleMetric('relais_unsubscribe_requests_total') as Counter<'outcome'> | undefined) ??
    new Counter({ name: 'relais_unsubscribe_requests_total', help: 'One-click unsubscribe requests by outcome', labelNames: ['outcome'], registers: [reg] })
  );
}

export function mountFeedbackRoutes(app: Hono, deps: ApiDeps): void {
  for (const r of ROUTES) documentRoute(r);
  const unsubCounter = counterFor(deps);

  // ---- suppressions
  app.get('/v1/suppressions', async (c) => {
    const p = await principal(c, deps, 'read');
    if (p instanceof Response) return p;
    const f = suppressionFilter(c.req.query());
    const limit = Math.min(f.limit ?? 100, 1000);
    const data = await listSuppressions(deps.store, p.tenant.id, { ...f, limit });
    return c.json({ data: data.map(suppressionJson), next_after: data.length === limit ? data[data.length - 1].id : null });
  });

  app.get('/v1/suppressions/export', async (c) => {
    const p = await principal(c, deps, 'read');
    if (p instanceof Response) return p;
    const f = suppressionFilter(c.req.query());
    const all: Suppression[] = [];
    for (let after = f.after; ; ) {
      const page = await listSuppressions(deps.store, p.tenant.id, { ...f, after, limit: 5000 });
      all.push(...page);
      if (page.length < 5000 || all.length >= 1_000_000) break;
      after = page[page.length - 1].id;
    }
    return c.body(suppressionsToCsv(all), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="suppressions.csv"' });
  });

  app.post('/v1/suppressions/import', async (c) => {
    const p = await principal(c, deps, 'manage');
    if (p instanceof Response) return p;
    const q = c.req.query();
    const bad = unknownKeys(q, ['scope', 'scope_value', 'reason']);
    if (bad.length) return problem(c, 400, 'validation', `unknown query parameter(s): ${bad.join(', ')}`);
    const text = await c.req.text();
    if (text.length > 20 * 1024 * 1024) return problem(c, 413, 'too_large', 'CSV larger than 20 MiB: split it');
    const parsed = csvToSuppressions(text, {
      scope: (q.scope || 'tenant') as SuppressionInput['scope'],
      scopeValue: q.scope_value || undefined,
      reason: (q.reason || 'manual') as SuppressionInput['reason'],
      origin: 'tenant',
    });
    if (parsed.errors.length) return problem(c, 400, 'validation', 'the CSV has errors; nothing was imported', parsed.errors.slice(0, 100));
    // validate every row first so that a bad row imports nothing
    const errors: { line: number; message: string }[] = [];
    parsed.inputs.forEach((i, k) => {
      try {
        validateSuppression(i);
      } catch (err) {
        errors.push({ line: k + 2, message: (err as Error).message });
      }
    });
    if (errors.length) return problem(c, 400, 'validation', 'the CSV has errors; nothing was imported', errors.slice(0, 100));
    const r = await addSuppressions(deps.store, p.tenant.id, parsed.inputs);
    return c.json({ rows: parsed.inputs.length, added: r.added, existing: parsed.inputs.length - r.added });
  });

  app.post('/v1/suppressions', async (c) => {
    const p = await principal(c, deps, 'manage');
    if (p instanceof Response) return p;
    const b = await jsonBody(c);
    if (b instanceof Response) return b;
    const many = Array.isArray(b.entries);
    if (many && Object.keys(b).length !== 1) throw new ValidationError('with entries, no other field');
    const list = many ? (b.entries as unknown[]) : [b];
    if (list.length === 0 || list.length > 1000) throw new ValidationError('1 to 1000 entries per request (use /v1/suppressions/import for more)');
    const inputs = list.map((e, k) => {
      if (!e || typeof e !== 'object' || Array.isArray(e)) throw new ValidationError(`entries[${k}] must be an object`);
      return entryInput(e as Record<string, unknown>, 'tenant');
    });
    const r = await addSuppressions(deps.store, p.tenant.id, inputs);
    return c.json({ added: r.added, data: r.entries.map(suppressionJson) }, r.added > 0 ? 201 : 200);
  });

  app.delete('/v1/suppressions/:email', async (c) => {
    const p = await principal(c, deps, 'manage');
    if (p instanceof Response) return p;
    const q = c.req.query();
    const scope = q.scope ? { scope: q.scope as Suppression['scope'], scopeValue: q.scope_value } : undefined;
    if (scope && !(SUPPRESSION_SCOPES as readonly string[]).includes(scope.scope)) throw new ValidationError(`scope must be one of ${SUPPRESSION_SCOPES.join(', ')}`);
    const n = await removeSuppression(deps.store, p.tenant.id, decodeURIComponent(c.req.param('email')), scope);
    return n ? c.json({ removed: n }) : problem(c, 404, 'not_found', 'no such suppression');
  });

  // ---- webhooks
  const epId = (c: Context) => {
    const v = c.req.param('id') ?? '';
    if (!/^\d{1,16}$/.test(v)) throw new ValidationError('webhook id must be a number');
    return Number(v);
  };

  app.get('/v1/webhooks', async (c) => {
    const p = await principal(c, deps, 'read');
    if (p instanceof Response) return p;
    const eps = await listEndpoints(deps.store, p.tenant.id);
    return c.json({ data: await Promise.all(eps.map((e) => webhookView(deps.store, e))) });
  });

  app.post('/v1/webhooks', async (c) => {
    const p = await principal(c, deps, 'manage');
    if (p instanceof Response) return p;
    const b = await jsonBody(c);
    if (b instanceof Response) return b;
    const input = webhookInput(b);
    if (input.status !== undefined) throw new ValidationError('status cannot be set on create');
    const { endpoint, secret } = await createWebhook(deps.store, masterKey(deps), p.tenant.id, input);
    return c.json({ ...(await webhookView(deps.store, endpoint)), secret }, 201);
  });

  app.get('/v1/webhooks/:id', async (c) => {
    const p = await principal(c, deps, 'read');
    if (p instanceof Response) return p;
    const ep = await getEndpoint(deps.store, p.tenant.id, epId(c));
    return ep ? c.json(await webhookView(deps.store, ep)) : problem(c, 404, 'not_found', 'no such webhook');
  });

  app.patch('/v1/webhooks/:id', async (c) => {
    const p = await principal(c, deps, 'manage');
    if (p instanceof Response) return p;
    const b = await jsonBody(c);
    if (b instanceof Response) return b;
    const ep = await updateEndpoint(deps.store, p.tenant.id, epId(c), webhookInput(b));
    return ep ? c.json(await webhookView(deps.store, ep)) : problem(c, 404, 'not_found', 'no such webhook');
  });

  app.delete('/v1/webhooks/:id', async (c) => {
    const p = await principal(c, deps, 'manage');
    if (p instanceof Response) return p;
    return (await deleteEndpoint(deps.store, p.tenant.id, epId(c))) ? c.json({ deleted: true }) : problem(c, 404, 'not_found', 'no such webhook');
  });

  app.post('/v1/webhooks/:id/replay', async (c) => {
    const p = await principal(c, deps, 'manage');
    if (p instanceof Response) return p;
    const b = await jsonBody(c);
    if (b instanceof Response) return b;
    const bad = unknownKeys(b, ['since', 'until']);
    if (bad.length) throw new ValidationError(`unknown field(s): ${bad.join(', ')}`);
    const since = timeParam(b.since, 'since');
    const until = timeParam(b.until, 'until') ?? Date.now();
    if (since === undefined) throw new ValidationError('since is required');
    if (until <= since) throw new ValidationError('until must be after since');
    const n = await replayWebhook(deps.store, p.tenant.id, epId(c), since, until);
    return n === undefined ? problem(c, 404, 'not_found', 'no such webhook') : c.json({ queued: n }, 202);
  });

  app.post('/v1/webhooks/:id/test', async (c) => {
    const p = await principal(c, deps, 'manage');
    if (p instanceof Response) return p;
    const ep = await getEndpoint(deps.store, p.tenant.id, epId(c));
    return ep ? c.json(await sendTestEvent(ep, masterKey(deps))) : problem(c, 404, 'not_found', 'no such webhook');
  });

  app.post('/v1/webhooks/:id/rotate-secret', async (c) => {
    const p = await principal(c, deps, 'manage');
    if (p instanceof Response) return p;
    const r = await rotateWebhookSecret(deps.store, masterKey(deps), p.tenant.id, epId(c));
    return r ? c.json({ ...(await webhookView(deps.store, r.endpoint)), secret: r.secret }) : problem(c, 404, 'not_found', 'no such webhook');
  });

  // ---- one-click unsubscribe (public)
  const htmlHeaders = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };
  app.get('/u/:token', (c) => {
    const token = c.req.param('token');
    const v = peekUnsubscribe(masterKey(deps), token);
    if (!v.ok) {
      unsubCounter.inc({ outcome: `page-${v.outcome}` });
      return c.body(resultPage({ outcome: v.outcome, status: 400 }), 400, htmlHeaders);
    }
    return c.body(confirmationPage(v.recipient, `/u/${token}`), 200, htmlHeaders);
  });

  app.post('/u/:token', async (c) => {
    let form: Record<string, string> = {};
    try {
      const parsed = await c.req.parseBody();
      for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') form[k] = v;
    } catch {
      form = {};
    }
    const r = await performUnsubscribe(deps.store, masterKey(deps), c.req.param('token'), form, {
      ip: c.req.header('x-forwarded-for')?.split(',')[0].trim(),
      agent: c.req.header('user-agent'),
    });
    unsubCounter.inc({ outcome: r.outcome });
    const wantsHtml = form.via === 'page' || (c.req.header('accept') ?? '').includes('text/html');
    if (wantsHtml) return c.body(resultPage(r), r.status, htmlHeaders);
    return c.json({ outcome: r.outcome }, r.status);
  });
}

export function mountFeedbackAdminRoutes(app: Hono, deps: ApiDeps): void {
  app.get('/v1/admin/webhooks', async (c) => {
    const status = c.req.query('status');
    if (status !== undefined && !['active', 'failing', 'disabled'].includes(status)) throw new ValidationError('status must be active, failing or disabled');
    const eps = await listEndpointsByStatus(deps.store, status as EndpointStatus | undefined);
    return c.json({ data: await Promise.all(eps.map((e) => webhookView(deps.store, e))) });
  });

  app.get('/v1/admin/inbound-reports', async (c) => {
    const q = c.req.query();
    const after = intQuery(q.after, 'after');
    const limit = Math.min(intQuery(q.limit, 'limit') ?? 100, 1000);
    let qb = deps.store.db.selectFrom('inbound_reports').select(['id', 'kind', 'outcome', 'tenant_id', 'message_id', 'mail_from', 'rcpt_to', 'summary', 'size', 'created_at']);
    if (q.outcome) qb = qb.where('outcome', '=', q.outcome);
    if (after !== undefined) qb = qb.where('id', '>', after);
    const rows = await qb.orderBy('id').limit(limit).execute();
    const counts = await deps.store.db.selectFrom('inbound_reports').select(['outcome', (eb) => eb.fn.countAll().as('n')]).groupBy('outcome').execute();
    return c.json({
      data: rows.map((r) => ({ ...r, id: Number(r.id), created_at: new Date(Number(r.created_at)).toISOString(), summary: JSON.parse(r.summary) })),
      counts: Object.fromEntries(counts.map((r) => [r.outcome, Number(r.n)])),
      next_after: rows.length === limit ? Number(rows[rows.length - 1].id) : null,
    });
  });
}
