// Operator API under /v1/admin/*: a bearer token separate from every tenant key.
import { timingSafeEqual } from 'node:crypto';
import type { Context, Hono, Next } from 'hono';
import { RelaisError } from '../core/errors.ts';
import { createApiKey, listApiKeys, parseScopes, revokeApiKey } from '../store/api-keys-repo.ts';
import { createTenant, getTenant, listTenants, setTenantStatus } from '../store/tenants-repo.ts';
import type { ApiDeps } from './deps.ts';
import { problem, readJsonObject as readJson } from './request-helpers.ts';

export type AdminMount = (app: Hono, deps: ApiDeps) => void;
/** Other capabilities (IPs, pools, routes, suppressions...) register admin routes here. */
export const adminMounts: AdminMount[] = [];

function tokenOk(header: string | undefined, token: string): boolean {
  const m = /^bearer (.+)$/i.exec(header ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1].trim());
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}


export function tenantJson(t: { id: number; name: string; status: string; statusReason: string | null; createdAt: number }) {
  return { id: t.id, name: t.name, status: t.status, status_reason: t.statusReason, created_at: new Date(t.createdAt).toISOString() };
}

export function mountAdminRoutes(app: Hono, deps: ApiDeps): void {
  app.use('/v1/admin/*', async (c: Context, next: Next) => {
    if (!tokenOk(c.req.header('authorization'), deps.adminToken)) return problem(c, 401, 'unauthorized', 'operator bearer token required (see `relais admin token`)');
    try {
      await next();
    } catch (err) {
      if (err instanceof RelaisError) return problem(c, err.status, err.code, err.message, err.details);
      throw err;
    }
  });

  app.get('/v1/admin/tenants', async (c) => c.json({ data: (await listTenants(deps.store)).map(tenantJson) }));

  app.post('/v1/admin/tenants', async (c) => {
    const b = await readJson(c);
    if (b instanceof Response) return b;
    if (typeof b.name !== 'string') return problem(c, 400, 'validation', 'name (string) is required');
    return c.json(tenantJson(await createTenant(deps.store, b.name)), 201);
  });

  app.post('/v1/admin/tenants/:id/suspend', async (c) => {
    const b = await readJson(c);
    if (b instanceof Response) return b;
    const t = await setTenantStatus(deps.store, Number(c.req.param('id')), 'suspended', typeof b.reason === 'string' ? b.reason : 'suspended by operator');
    deps.auth.invalidate();
    return c.json(tenantJson(t));
  });

  app.post('/v1/admin/tenants/:id/unsuspend', async (c) => {
    const t = await setTenantStatus(deps.store, Number(c.req.param('id')), 'active', null);
    deps.auth.invalidate();
    return c.json(tenantJson(t));
  });

  app.get('/v1/admin/tenants/:id/keys', async (c) => {
    const t = await getTenant(deps.store, Number(c.req.param('id')));
    return c.json({ data: await listApiKeys(deps.store, t.id) });
  });

  app.post('/v1/admin/tenants/:id/keys', async (c) => {
    const b = await readJson(c);
    if (b instanceof Response) return b;
    const scopes = b.scopes === undefined ? undefined : parseScopes(b.scopes as string[]);
    const expiresAt = typeof b.expires_at === 'string' ? Date.parse(b.expires_at) : undefined;
    if (expiresAt !== undefined && Number.isNaN(expiresAt)) return problem(c, 400, 'validation', 'expires_at must be an ISO date');
    const { key, secret } = await createApiKey(deps.store, Number(c.req.param('id')), { scopes, name: typeof b.name === 'string' ? b.name : undefined, expiresAt });
    return c.json({ ...key, secret }, 201);
  });

  app.post('/v1/admin/keys/:id/revoke', async (c) => {
    const k = await revokeApiKey(deps.store, c.req.param('id'));
    deps.auth.invalidate();
    return c.json(k);
  });

  for (const m of adminMounts) m(app, deps);
}
