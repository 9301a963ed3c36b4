// Sending domains over HTTP. Tenant: /v1/domains (add, list, show, check, rotate-key).
// Operator: /v1/admin/domains (list all, verify by hand, audit-logged). The work is in
// domains/service.ts; these handlers authenticate, parse and shape the answer.
import type { Context, Hono } from 'hono';
import { RelaisError, ValidationError } from '../core/errors.ts';
import { domainServiceFor } from '../domains/extension.ts';
import type { DomainService } from '../domains/service.ts';
import { adminMounts } from './admin-routes.ts';
import { extraMounts } from './app.ts';
import type { ApiDeps } from './deps.ts';
import { documentRoute } from './openapi.ts';
import { principal } from './request-helpers.ts';

function service(deps: ApiDeps): DomainService {
  const s = domainServiceFor(deps.store);
  if (!s) throw new RelaisError('unavailable', 'the domain service is not running on this node', 503);
  return s;
}

async function jsonBody(c: Context, allowed: string[]): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  let b: unknown;
  try {
    b = JSON.parse(text);
  } catch {
    throw new RelaisError('malformed_json', 'request body is not valid JSON', 400);
  }
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw new ValidationError('body must be a JSON object');
  const unknown = Object.keys(b).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw new ValidationError(`unknown field(s): ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`);
  return b as Record<string, unknown>;
}

function domainId(c: Context): number {
  const v = c.req.param('id') ?? '';
  if (!/^\d{1,16}$/.test(v)) throw new ValidationError('domain id must be a number (see GET /v1/domains)');
  return Number(v);
}

function algorithm(v: unknown) {
  if (v === undefined) return undefined;
  if (v === 'rsa-sha256' || v === 'ed25519-sha256') return v;
  throw new ValidationError('algorithm must be "rsa-sha256" (default) or "ed25519-sha256"');
}

export function mountDomainRoutes(app: Hono, deps: ApiDeps): void {
  app.post('/v1/domains', async (c) => {
    const p = await principal(c, deps, 'manage');
    if (p instanceof Response) return p;
    const b = await jsonBody(c, ['name', 'algorithm']);
    if (typeof b.name !== 'string') throw new ValidationError('name (string) is required, e.g. {"name": "example.com"}');
    return c.json(await service(deps).add(p.tenant.id, b.name, { algorithm: algorithm(b.algorithm) }), 201);
  });

  app.get('/v1/domains', async (c) => {
    const p = await principal(c, deps, 'read');
    if (p instanceof Response) return p;
    return c.json({ data: await service(deps).list(p.tenant.id) });
  });

  app.get('/v1/domains/:id', async (c) => {
    const p = await principal(c, deps, 'read');
    if (p instanceof Response) return p;
    return c.json(await service(deps).get(domainId(c), p.tenant.id));
  });

  app.post('/v1/domains/:id/check', async (c) => {
    const p = await principal(c, deps, 'manage');
    if (p instanceof Response) return p;
    const r = await service(deps).check(domainId(c), p.tenant.id);
    return c.json({ domain: r.domain, check: r.check, changes: r.changes, rotation: r.rotation });
  });

  app.delete('/v1/domains/:id', async (c) => {
    const p = await principal(c, deps, 'manage');
    if (p instanceof Response) return p;
    await service(deps).remove(domainId(c), p.tenant.id);
    return c.body(null, 204);
  });

  app.post('/v1/domains/:id/rotate-key', async (c) => {
    const p = await principal(c, deps, 'manage');
    if (p instanceof Response) return p;
    const b = await jsonBody(c, ['algorithm']);
    return c.json(await service(deps).rotate(domainId(c), p.tenant.id, { algorithm: algorithm(b.algorithm) }));
  });
}

export function mountDomainAdminRoutes(app: Hono, deps: ApiDeps): void {
  app.get('/v1/admin/domains', async (c) => c.json({ data: await service(deps).list() }));
  app.post('/v1/admin/domains/:id/verify', async (c) => {
    const b = await jsonBody(c, ['note']);
    if (b.note !== undefined && typeof b.note !== 'string') throw new ValidationError('note must be a string');
    return c.json(await service(deps).verifyByHand(domainId(c), 'operator:api', b.note as string | undefined));
  });
}

extraMounts.push(mountDomainRoutes);
adminMounts.push(mountDomainAdminRoutes);

const basic = [{ basicAuth: [] }];
const admin = [{ adminToken: [] }];
for (const [method, path, summary, security] of [
  ['post', '/v1/domains', 'Add a sending domain: generates a DKIM key and returns the exact DNS records to publish', basic],
  ['get', '/v1/domains', 'List sending domains with status and keys', basic],
  ['get', '/v1/domains/{id}', 'One sending domain: records to publish, keys, last check', basic],
  ['delete', '/v1/domains/{id}', 'Remove a sending domain and its keys (sending from it stops)', basic],
  ['post', '/v1/domains/{id}/check', 'Check the DNS records now: expected / found / verdict / explanation per record', basic],
  ['post', '/v1/domains/{id}/rotate-key', 'Start a DKIM key rotation (new selector to publish; signing switches once it is in DNS)', basic],
  ['get', '/v1/admin/domains', "List every tenant's sending domains", admin],
  ['post', '/v1/admin/domains/{id}/verify', 'Mark a domain verified by hand (development; audit-logged)', admin],
] as const) {
  documentRoute({ method, path, summary, security: [...security] });
}
