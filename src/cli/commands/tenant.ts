import { createApiKey, listApiKeys, parseScopes, revokeApiKey } from '../../store/api-keys-repo.ts';
import { createTenant, listTenants, setTenantStatus } from '../../store/tenants-repo.ts';
import type { CliCommand } from '../command.ts';
import { requireNumber, table, withStore } from '../context.ts';

export const commands: CliCommand[] = [
  {
    words: ['tenant', 'create'],
    summary: 'Create a tenant (and, with --key, its first API key)',
    usage: 'tenant create NAME [--key] [--json]',
    async run(args, io) {
      const name = args.positionals.join(' ');
      if (!name) throw new Error('usage: relais tenant create NAME');
      return withStore(async (store) => {
        const t = await createTenant(store, name);
        const key = args.flags.key ? await createApiKey(store, t.id) : undefined;
        if (args.json) io.out(JSON.stringify({ tenant: t, ...(key ? { key: { ...key.key, secret: key.secret } } : {}) }));
        else {
          io.out(`Created tenant ${t.id} (${t.name}).`);
          if (key) io.out(`API key id: ${key.key.id}\nSecret:     ${key.secret}\n(store the secret now: it is not shown again)`);
          else io.out(`Next: relais key create --tenant ${t.id}`);
        }
        return 0;
      });
    },
  },
  {
    words: ['tenant', 'list'],
    summary: 'List tenants',
    usage: 'tenant list [--json]',
    async run(args, io) {
      return withStore(async (store) => {
        const all = await listTenants(store);
        if (args.json) io.out(JSON.stringify(all));
        else for (const l of table(all.map((t) => ({ ...t, createdAt: new Date(t.createdAt).toISOString() })), ['id', 'name', 'status', 'statusReason', 'createdAt'])) io.out(l);
        return 0;
      });
    },
  },
  {
    words: ['tenant', 'suspend'],
    summary: 'Suspend a tenant: its keys get 401 mj-0001 and its SMTP AUTH fails',
    usage: 'tenant suspend ID [--reason TEXT] [--json]',
    async run(args, io) {
      const id = requireNumber(args.positionals[0], 'tenant ID');
      return withStore(async (store) => {
        const t = await setTenantStatus(store, id, 'suspended', typeof args.flags.reason === 'string' ? args.flags.reason : 'suspended by operator');
        io.out(args.json ? JSON.stringify(t) : `Tenant ${t.id} suspended (${t.statusReason}).`);
        return 0;
      });
    },
  },
  {
    words: ['tenant', 'unsuspend'],
    summary: 'Reactivate a suspended tenant',
    usage: 'tenant unsuspend ID [--json]',
    async run(args, io) {
      const id = requireNumber(args.positionals[0], 'tenant ID');
      return withStore(async (store) => {
        const t = await setTenantStatus(store, id, 'active', null);
        io.out(args.json ? JSON.stringify(t) : `Tenant ${t.id} is active again.`);
        return 0;
      });
    },
  },
  {
    words: ['key', 'create'],
    summary: 'Create an API key for a tenant (secret shown once)',
    usage: 'key create --tenant ID [--scopes send,read,manage] [--name NAME] [--expires ISO-DATE] [--json]',
    async run(args, io) {
      const tenantId = requireNumber(args.flags.tenant, '--tenant');
      const scopes = typeof args.flags.scopes === 'string' ? parseScopes(args.flags.scopes) : undefined;
      let expiresAt: number | undefined;
      if (typeof args.flags.expires === 'string') {
        expiresAt = Date.parse(args.flags.expires);
        if (Number.isNaN(expiresAt)) throw new Error('--expires must be a date, e.g. 2027-01-31');
      }
      return withStore(async (store) => {
        const { key, secret } = await createApiKey(store, tenantId, { scopes, expiresAt, name: typeof args.flags.name === 'string' ? args.flags.name : undefined });
        if (args.json) io.out(JSON.stringify({ ...key, secret }));
        else io.out(`API key id: ${key.id}\nSecret:     ${secret}\nScopes:     ${key.scopes.join(', ')}\n(store the secret now: it is not shown again)`);
        return 0;
      });
    },
  },
  {
    words: ['key', 'list'],
    summary: "List a tenant's API keys",
    usage: 'key list --tenant ID [--json]',
    async run(args, io) {
      const tenantId = requireNumber(args.flags.tenant, '--tenant');
      return withStore(async (store) => {
        const keys = await listApiKeys(store, tenantId);
        if (args.json) io.out(JSON.stringify(keys));
        else for (const l of table(keys.map((k) => ({ ...k, scopes: k.scopes.join(','), state: k.revokedAt ? 'revoked' : k.expiresAt && k.expiresAt < Date.now() ? 'expired' : 'active' })), ['id', 'name', 'scopes', 'state'])) io.out(l);
        return 0;
      });
    },
  },
  {
    words: ['key', 'revoke'],
    summary: 'Revoke an API key (effective within a second)',
    usage: 'key revoke KEY_ID [--json]',
    async run(args, io) {
      const id = args.positionals[0];
      if (!id) throw new Error('usage: relais key revoke KEY_ID');
      return withStore(async (store) => {
        const k = await revokeApiKey(store, id);
        io.out(args.json ? JSON.stringify(k) : `Key ${k.id} revoked.`);
        return 0;
      });
    },
  },
];
