// What every JSON route needs: a problem body for errors, the tenant behind an API key,
// and a JSON object body.
import type { Context } from 'hono';
import type { Scope } from '../store/api-keys-repo.ts';
import type { Principal } from './auth.ts';
import type { ApiDeps } from './deps.ts';

export function problem(c: Context, status: number, code: string, message: string, details?: unknown) {
  return c.json({ error: { code, message, ...(details === undefined ? {} : { details }) } }, status as 400);
}

/** The authenticated tenant and key, or the 401/403 response to return. */
export async function principal(c: Context, deps: ApiDeps, scope: Scope): Promise<Principal | Response> {
  const a = await deps.auth.authenticate(c.req.header('authorization'), scope);
  if (!a.ok) return problem(c, a.status, a.code === 'mj-0001' ? 'tenant_suspended' : 'unauthorized', a.message);
  return a.principal;
}

/** The body as a JSON object, or the 400 response to return. */
export async function readJsonObject(c: Context): Promise<Record<string, unknown> | Response> {
  try {
    const b = await c.req.json();
    if (!b || typeof b !== 'object' || Array.isArray(b)) return problem(c, 400, 'validation', 'body must be a JSON object');
    return b as Record<string, unknown>;
  } catch {
    return problem(c, 400, 'malformed_json', 'request body is not valid JSON');
  }
}
