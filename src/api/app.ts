// The HTTP application: health, metrics, OpenAPI, the Mailjet-compatible send API, the
// native tenant API and the operator API. Built on Hono so tests call app.request()
// in-process without a socket.
import { Hono } from 'hono';
import { RelaisError } from '../core/errors.ts';
import { bodyFilesUsage } from '../store/body-files.ts';
import { countSpooled } from '../store/spool-repo.ts';
import { mountAdminRoutes } from './admin-routes.ts';
import type { ApiDeps } from './deps.ts';
import { openApiDocument } from './openapi.ts';
import { handleSend } from './send-route.ts';
import { mountTenantRoutes, problem } from './tenant-routes.ts';

export type RouteMount = (app: Hono, deps: ApiDeps) => void;
/** Further capabilities (content check, domains, suppressions, webhooks, unsubscribe) mount here. */
export const extraMounts: RouteMount[] = [];

export function createApp(deps: ApiDeps): Hono {
  const app = new Hono();

  app.onError((err, c) => {
    if (err instanceof RelaisError) return problem(c, err.status, err.code, err.message, err.details);
    deps.intake.config.logLevel !== 'silent' && console.error(err);
    return problem(c, 500, 'internal', 'internal error; the operator can find it in the logs');
  });

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    try {
      await deps.store.db.selectFrom('tenants').select('id').limit(1).execute();
    } catch (err) {
      return c.json({ status: 'unavailable', store: `unreachable: ${(err as Error).message}` }, 503);
    }
    if (!deps.ready()) return c.json({ status: 'starting', store: 'ok', listeners: 'not all up' }, 503);
    return c.json({ status: 'ready', store: 'ok', listeners: 'up' });
  });
  app.get('/metrics', async (c) => {
    deps.metrics.spoolDepth.set((await countSpooled(deps.store)).queued);
    if (deps.store.file) {
      const usage = await bodyFilesUsage(deps.store.file);
      deps.metrics.bodyFiles.set(usage.files);
      deps.metrics.bodyFileBytes.set(usage.bytes);
    }
    return c.body(await deps.metrics.registry.metrics(), 200, { 'content-type': deps.metrics.registry.contentType });
  });
  app.get('/openapi.json', (c) => c.json(openApiDocument()));

  app.post('/v3.1/send', (c) => handleSend(c, deps));
  mountTenantRoutes(app, deps);
  mountAdminRoutes(app, deps);
  for (const m of extraMounts) m(app, deps);
  app.notFound((c) => problem(c, 404, 'not_found', `no route for ${c.req.method} ${c.req.path}`));
  return app;
}
