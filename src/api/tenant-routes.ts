// Native tenant API: /v1/messages, /v1/events, /v1/templates. Every handler reads the
// tenant from the authenticated key and passes it to a tenant-scoped repository call.
import type { Hono } from 'hono';
import { isEventType } from '../core/events.ts';
import { getMessageView, listEvents } from '../store/events-repo.ts';
import { createTemplate, getTemplate, listTemplates } from '../store/templates-repo.ts';
import type { ApiDeps } from './deps.ts';
import { principal, problem } from './request-helpers.ts';

export { problem };



function intParam(v: string | undefined, name: string): number | undefined | Error {
  if (v === undefined || v === '') return undefined;
  if (!/^\d{1,16}$/.test(v)) return new Error(`${name} must be a non-negative integer`);
  return Number(v);
}

export function mountTenantRoutes(app: Hono, deps: ApiDeps): void {
  app.get('/v1/messages/:id', async (c) => {
    const p = await principal(c, deps, 'read');
    if (p instanceof Response) return p;
    const id = intParam(c.req.param('id'), 'message id');
    if (id instanceof Error || id === undefined) return problem(c, 400, 'validation', 'message id must be a number');
    const view = await getMessageView(deps.store, p.tenant.id, id);
    // Another tenant's message is indistinguishable from a missing one.
    if (!view) return problem(c, 404, 'not_found', `message ${id} not found`);
    return c.json(view);
  });

  app.get('/v1/events', async (c) => {
    const p = await principal(c, deps, 'read');
    if (p instanceof Response) return p;
    const q = c.req.query();
    const known = new Set(['type', 'since', 'until', 'custom_id', 'campaign', 'after', 'limit', 'message_id']);
    const unknown = Object.keys(q).filter((k) => !known.has(k));
    if (unknown.length) return problem(c, 400, 'validation', `unknown query parameter(s): ${unknown.join(', ')}`);
    if (q.type !== undefined && !isEventType(q.type)) return problem(c, 400, 'validation', `unknown event type "${q.type}"`);
    const nums: Record<string, number | undefined> = {};
    for (const k of ['since', 'until', 'after', 'limit', 'message_id']) {
      const v = intParam(q[k], k);
      if (v instanceof Error) return problem(c, 400, 'validation', v.message);
      nums[k] = v;
    }
    const events = await listEvents(deps.store, p.tenant.id, {
      type: q.type as never,
      since: nums.since,
      until: nums.until,
      after: nums.after,
      limit: nums.limit,
      messageId: nums.message_id,
      customId: q.custom_id,
      campaign: q.campaign,
    });
    const next = events.length > 0 && events.length === Math.min(nums.limit ?? 100, 1000) ? events[events.length - 1].id : null;
    return c.json({ data: events, next_after: next });
  });

  app.post('/v1/templates', async (c) => {
    const p = await principal(c, deps, 'manage');
    if (p instanceof Response) return p;
    let body: any;
    try {
      body = await c.req.json();
    } catch {
      return problem(c, 400, 'malformed_json', 'request body is not valid JSON');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) return problem(c, 400, 'validation', 'body must be a JSON object');
    const allowed = new Set(['Name', 'Subject', 'TextPart', 'HTMLPart']);
    const unknown = Object.keys(body).filter((k) => !allowed.has(k));
    if (unknown.length) return problem(c, 400, 'validation', `unknown field(s): ${unknown.join(', ')}`);
    for (const k of allowed) if (body[k] !== undefined && typeof body[k] !== 'string') return problem(c, 400, 'validation', `${k} must be a string`);
    if (!body.Name) return problem(c, 400, 'validation', 'Name is required');
    if (!body.TextPart && !body.HTMLPart) return problem(c, 400, 'validation', 'TextPart or HTMLPart is required');
    const t = await createTemplate(deps.store, p.tenant.id, { name: body.Name, subject: body.Subject, textPart: body.TextPart, htmlPart: body.HTMLPart });
    return c.json(templateJson(t), 201);
  });

  app.get('/v1/templates', async (c) => {
    const p = await principal(c, deps, 'read');
    if (p instanceof Response) return p;
    return c.json({ data: (await listTemplates(deps.store, p.tenant.id)).map(templateJson) });
  });

  app.get('/v1/templates/:id', async (c) => {
    const p = await principal(c, deps, 'read');
    if (p instanceof Response) return p;
    const id = intParam(c.req.param('id'), 'id');
    if (id instanceof Error || id === undefined) return problem(c, 400, 'validation', 'template id must be a number');
    const t = await getTemplate(deps.store, p.tenant.id, id);
    return t ? c.json(templateJson(t)) : problem(c, 404, 'not_found', `template ${id} not found`);
  });
}

function templateJson(t: { id: number; name: string; subject: string | null; textPart: string | null; htmlPart: string | null; createdAt: number }) {
  return { ID: t.id, Name: t.name, Subject: t.subject, TextPart: t.textPart, HTMLPart: t.htmlPart, CreatedAt: new Date(t.createdAt).toISOString() };
}
