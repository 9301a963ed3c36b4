// POST /v1/content/check (tenant): the spam score of a message before it is sent, with the
// hits and advice in the message's language. Operator: per-tenant gate thresholds.
import { checkContent, parseContentCheckRequest } from '../content/index.ts';
import { RelaisError } from '../core/errors.ts';
import { forgetContentThresholds } from '../intake/content-gate.ts';
import { getContentThresholds, setContentThresholds } from '../store/tenants-repo.ts';
import { adminMounts } from './admin-routes.ts';
import { extraMounts } from './app.ts';
import { documentRoute } from './openapi.ts';
import { problem } from './tenant-routes.ts';

extraMounts.push((app, deps) => {
  app.post('/v1/content/check', async (c) => {
    const a = await deps.auth.authenticate(c.req.header('authorization'), 'read');
    if (!a.ok) return problem(c, a.status, 'unauthorized', a.message);
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return problem(c, 400, 'malformed_json', 'request body is not valid JSON');
    }
    try {
      const input = parseContentCheckRequest(body);
      return c.json(await checkContent(input));
    } catch (err) {
      if (err instanceof RelaisError) return problem(c, err.status, err.code, err.message, err.details);
      return problem(c, 422, 'unscorable', `the message could not be checked: ${(err as Error).message}`);
    }
  });
});

adminMounts.push((app, deps) => {
  app.get('/v1/admin/tenants/:id/content-thresholds', async (c) => c.json(await getContentThresholds(deps.store, Number(c.req.param('id')))));
  app.put('/v1/admin/tenants/:id/content-thresholds', async (c) => {
    let b: any;
    try {
      b = await c.req.json();
    } catch {
      return problem(c, 400, 'malformed_json', 'request body is not valid JSON');
    }
    const unknown = Object.keys(b ?? {}).filter((k) => k !== 'transactional' && k !== 'marketing');
    if (unknown.length) return problem(c, 400, 'validation', `unknown field(s): ${unknown.join(', ')}`);
    const saved = await setContentThresholds(deps.store, Number(c.req.param('id')), b);
    forgetContentThresholds(Number(c.req.param('id')));
    return c.json(saved);
  });
});

documentRoute({ method: 'post', path: '/v1/content/check', summary: 'Spam score, rating, hits and advice for a message (raw MIME or parts)', security: [{ basicAuth: [] }] });
documentRoute({ method: 'get', path: '/v1/admin/tenants/{id}/content-thresholds', summary: "A tenant's content-gate thresholds per stream", security: [{ adminToken: [] }] });
documentRoute({ method: 'put', path: '/v1/admin/tenants/{id}/content-thresholds', summary: "Set a tenant's content-gate thresholds (null = default)", security: [{ adminToken: [] }] });
