// `relais suppression list|add|remove|import|export`: the operator's view of a tenant's
// suppression list, straight on the store. Entries added here have origin `operator`.
import { readFileSync, writeFileSync } from 'node:fs';
import { listSuppressions, removeSuppression, type Suppression, type SuppressionInput, addSuppressions, type SuppressionFilter } from '../../store/suppressions-repo.ts';
import { csvToSuppressions, suppressionsToCsv } from '../../suppression/csv.ts';
import { findTenant } from '../../store/tenants-repo.ts';
import type { CliCommand, ParsedArgs } from '../command.ts';
import { requireNumber, table, withStore } from '../context.ts';

async function requireTenant(store: Parameters<typeof findTenant>[0], id: number): Promise<void> {
  if (!(await findTenant(store, id))) throw new Error(`no tenant ${id} (see relais tenant list)`);
}

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

function scopeFlags(a: ParsedArgs): Pick<SuppressionInput, 'scope' | 'scopeValue'> {
  return { scope: (str(a.flags.scope) ?? 'tenant') as SuppressionInput['scope'], scopeValue: str(a.flags['scope-value']) };
}

function filterFlags(a: ParsedArgs): SuppressionFilter {
  return {
    address: str(a.flags.email),
    contains: str(a.flags.contains),
    scope: str(a.flags.scope) as SuppressionFilter['scope'],
    scopeValue: str(a.flags['scope-value']),
    reason: str(a.flags.reason) as SuppressionFilter['reason'],
    origin: str(a.flags.origin) as SuppressionFilter['origin'],
    after: a.flags.after === undefined ? undefined : requireNumber(a.flags.after, '--after'),
    limit: a.flags.limit === undefined ? 100 : requireNumber(a.flags.limit, '--limit'),
  };
}

function row(s: Suppression) {
  return { id: s.id, email: s.address, scope: s.scopeValue ? `${s.scope}:${s.scopeValue}` : s.scope, reason: s.reason, origin: s.origin, created: new Date(s.createdAt).toISOString(), detail: s.detail ?? '' };
}

export const commands: CliCommand[] = [
  {
    words: ['suppression', 'list'],
    summary: "List a tenant's suppressions (paged with --after)",
    usage: 'suppression list --tenant ID [--email E] [--contains TEXT] [--scope tenant|stream|list] [--scope-value V] [--reason R] [--origin O] [--limit N] [--after ID] [--json]',
    async run(args, io) {
      const tenantId = requireNumber(args.flags.tenant, '--tenant');
      return withStore(async (store) => {
        await requireTenant(store, tenantId);
        const rows = await listSuppressions(store, tenantId, filterFlags(args));
        if (args.json) io.out(JSON.stringify(rows));
        else for (const l of table(rows.map(row), ['id', 'email', 'scope', 'reason', 'origin', 'created', 'detail'])) io.out(l);
        return 0;
      });
    },
  },
  {
    words: ['suppression', 'add'],
    summary: 'Suppress addresses for a tenant (origin: operator)',
    usage: 'suppression add --tenant ID EMAIL... [--scope tenant|stream|list] [--scope-value V] [--reason manual|invalid|hard_bounce|complaint|unsubscribe] [--detail TEXT] [--json]',
    async run(args, io) {
      const tenantId = requireNumber(args.flags.tenant, '--tenant');
      if (args.positionals.length === 0) throw new Error('usage: relais suppression add --tenant ID EMAIL...');
      const inputs: SuppressionInput[] = args.positionals.map((address) => ({
        address,
        ...scopeFlags(args),
        reason: (str(args.flags.reason) ?? 'manual') as SuppressionInput['reason'],
        origin: 'operator',
        detail: str(args.flags.detail) ?? null,
      }));
      return withStore(async (store) => {
        await requireTenant(store, tenantId);
        const r = await addSuppressions(store, tenantId, inputs);
        io.out(args.json ? JSON.stringify(r) : `Added ${r.added}, already present ${inputs.length - r.added}.`);
        return 0;
      });
    },
  },
  {
    words: ['suppression', 'remove'],
    summary: 'Remove an address from a tenant\'s suppressions (all scopes, or the one given)',
    usage: 'suppression remove --tenant ID EMAIL [--scope tenant|stream|list] [--scope-value V] [--json]',
    async run(args, io) {
      const tenantId = requireNumber(args.flags.tenant, '--tenant');
      const email = args.positionals[0];
      if (!email) throw new Error('usage: relais suppression remove --tenant ID EMAIL');
      const scope = args.flags.scope ? { scope: str(args.flags.scope) as Suppression['scope'], scopeValue: str(args.flags['scope-value']) } : undefined;
      return withStore(async (store) => {
        await requireTenant(store, tenantId);
        const n = await removeSuppression(store, tenantId, email, scope);
        io.out(args.json ? JSON.stringify({ removed: n }) : n ? `Removed ${n} entr${n === 1 ? 'y' : 'ies'}.` : 'No such suppression.');
        return n ? 0 : 1;
      });
    },
  },
  {
    words: ['suppression', 'import'],
    summary: 'Import suppressions from a CSV file (an email column; nothing is imported if a row is bad)',
    usage: 'suppression import --tenant ID FILE.csv [--scope S] [--scope-value V] [--reason R] [--json]',
    async run(args, io) {
      const tenantId = requireNumber(args.flags.tenant, '--tenant');
      const file = args.positionals[0];
      if (!file) throw new Error('usage: relais suppression import --tenant ID FILE.csv');
      const parsed = csvToSuppressions(readFileSync(file, 'utf8'), { ...scopeFlags(args), reason: (str(args.flags.reason) ?? 'manual') as SuppressionInput['reason'], origin: 'operator' });
      if (parsed.errors.length) {
        for (const e of parsed.errors.slice(0, 20)) io.err(`${file}:${e.line}: ${e.message}`);
        return 1;
      }
      return withStore(async (store) => {
        await requireTenant(store, tenantId);
        const r = await addSuppressions(store, tenantId, parsed.inputs);
        io.out(args.json ? JSON.stringify({ rows: parsed.inputs.length, added: r.added }) : `Imported ${parsed.inputs.length} rows: ${r.added} new, ${parsed.inputs.length - r.added} already present.`);
        return 0;
      });
    },
  },
  {
    words: ['suppression', 'export'],
    summary: "Export a tenant's suppressions as CSV (to FILE or standard output)",
    usage: 'suppression export --tenant ID [FILE.csv] [filters as for list]',
    async run(args, io) {
      const tenantId = requireNumber(args.flags.tenant, '--tenant');
      return withStore(async (store) => {
        await requireTenant(store, tenantId);
        const f = filterFlags(args);
        const all: Suppression[] = [];
        for (let after = f.after; ; ) {
          const page = await listSuppressions(store, tenantId, { ...f, after, limit: 5000 });
          all.push(...page);
          if (page.length < 5000) break;
          after = page[page.length - 1].id;
        }
        const csv = suppressionsToCsv(all);
        if (args.positionals[0]) {
          writeFileSync(args.positionals[0], csv);
          io.err(`Wrote ${all.length} entries to ${args.positionals[0]}.`);
        } else io.out(csv.trimEnd());
        return 0;
      });
    },
  },
];
