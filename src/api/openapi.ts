// The OpenAPI document served at /openapi.json. A test compares its paths with the routes
// the app answers, so it cannot silently drift.

const basic = [{ basicAuth: [] }];
const admin = [{ adminToken: [] }];
const json = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });

export const DOCUMENTED_ROUTES: { method: string; path: string; summary: string; security?: unknown[] }[] = [
  { method: 'get', path: '/healthz', summary: 'Liveness' },
  { method: 'get', path: '/readyz', summary: 'Readiness: store reachable and listeners up' },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics' },
  { method: 'get', path: '/openapi.json', summary: 'This document' },
  { method: 'post', path: '/v3.1/send', summary: 'Send messages (Mailjet Send API v3.1 compatible)', security: basic },
  { method: 'get', path: '/v1/messages/{id}', summary: 'A message with its status and events', security: basic },
  { method: 'get', path: '/v1/events', summary: 'Events, paged (type, since, until, custom_id, campaign, message_id, after, limit)', security: basic },
  { method: 'post', path: '/v1/templates', summary: 'Create a stored template', security: basic },
  { method: 'get', path: '/v1/templates', summary: 'List stored templates', security: basic },
  { method: 'get', path: '/v1/templates/{id}', summary: 'A stored template', security: basic },
  { method: 'get', path: '/v1/admin/tenants', summary: 'List tenants', security: admin },
  { method: 'post', path: '/v1/admin/tenants', summary: 'Create a tenant', security: admin },
  { method: 'post', path: '/v1/admin/tenants/{id}/suspend', summary: 'Suspend a tenant (its keys get 401 mj-0001)', security: admin },
  { method: 'post', path: '/v1/admin/tenants/{id}/unsuspend', summary: 'Reactivate a tenant', security: admin },
  { method: 'get', path: '/v1/admin/tenants/{id}/keys', summary: "List a tenant's API keys", security: admin },
  { method: 'post', path: '/v1/admin/tenants/{id}/keys', summary: 'Create an API key (the secret is shown once)', security: admin },
  { method: 'post', path: '/v1/admin/keys/{id}/revoke', summary: 'Revoke an API key', security: admin },
];

/** Other capabilities add their routes here when they mount. */
export function documentRoute(r: (typeof DOCUMENTED_ROUTES)[number]): void {
  if (!DOCUMENTED_ROUTES.some((x) => x.method === r.method && x.path === r.path)) DOCUMENTED_ROUTES.push(r);
}

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of DOCUMENTED_ROUTES) {
    paths[r.path] ??= {};
    paths[r.path][r.method] = {
      summary: r.summary,
      ...(r.security ? { security: r.security } : {}),
      ...(r.path.includes('{id}') ? { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }] } : {}),
      responses: { '200': json('OK'), '400': json('Invalid request'), '401': json('Unauthorized') },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Relais API', version: '0.1.0', description: 'Mailjet-compatible send API, native tenant API and operator API.' },
    components: {
      securitySchemes: {
        basicAuth: { type: 'http', scheme: 'basic', description: 'API key id as user name, secret as password' },
        adminToken: { type: 'http', scheme: 'bearer', description: 'Operator token' },
      },
    },
    paths,
  };
}
