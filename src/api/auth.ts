// Tenant authentication for the API: HTTP Basic with key id and secret, as Mailjet clients
// send it. Verified keys are cached for a second so intake does not hash and query per
// request; revocation therefore takes effect within a second on every node.
import type { Store } from '../store/database.ts';
import { type ApiKey, type Scope, verifyApiKey } from '../store/api-keys-repo.ts';
import { findTenant, type Tenant } from '../store/tenants-repo.ts';

export interface Principal {
  tenant: Tenant;
  key: ApiKey;
}

export type AuthOutcome =
  | { ok: true; principal: Principal }
  | { ok: false; status: 401 | 403; code: 'mj-0015' | 'mj-0001'; message: string };

const CACHE_MS = 1000;

export class TenantAuthenticator {
  private cache = new Map<string, { at: number; outcome: AuthOutcome }>();
  private readonly store: Store;
  constructor(store: Store) {
    this.store = store;
  }

  invalidate(): void {
    this.cache.clear();
  }

  async authenticate(header: string | undefined, scope: Scope): Promise<AuthOutcome> {
    const creds = parseBasic(header);
    if (!creds) return { ok: false, status: 401, code: 'mj-0015', message: 'API key authentication/authorization failure: send HTTP Basic credentials (API key id and secret).' };
    const cacheKey = `${creds.user}\0${creds.pass}`;
    const now = Date.now();
    let hit = this.cache.get(cacheKey);
    if (!hit || now - hit.at > CACHE_MS) {
      hit = { at: now, outcome: await this.lookup(creds.user, creds.pass) };
      if (this.cache.size > 10000) this.cache.clear();
      this.cache.set(cacheKey, hit);
    }
    const o = hit.outcome;
    if (o.ok && !o.principal.key.scopes.includes(scope)) {
      return { ok: false, status: 403, code: 'mj-0015', message: `This API key lacks the "${scope}" scope.` };
    }
    return o;
  }

  private async lookup(user: string, pass: string): Promise<AuthOutcome> {
    const check = await verifyApiKey(this.store, user, pass);
    if (!check.ok) {
      const why = { unknown: 'unknown API key', 'wrong-secret': 'wrong secret', revoked: 'this API key was revoked', expired: 'this API key has expired' }[check.reason];
      return { ok: false, status: 401, code: 'mj-0015', message: `API key authentication/authorization failure: ${why}.` };
    }
    const tenant = await findTenant(this.store, check.key.tenantId);
    if (!tenant) return { ok: false, status: 401, code: 'mj-0015', message: 'API key authentication/authorization failure: the tenant no longer exists.' };
    if (tenant.status === 'suspended') {
      return { ok: false, status: 401, code: 'mj-0001', message: `The account is suspended${tenant.statusReason ? `: ${tenant.statusReason}` : ''}. Contact the platform operator.` };
    }
    return { ok: true, principal: { tenant, key: check.key } };
  }
}

export function parseBasic(header: string | undefined): { user: string; pass: string } | undefined {
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i <= 0) return undefined;
  return { user: decoded.slice(0, i), pass: decoded.slice(i + 1) };
}
