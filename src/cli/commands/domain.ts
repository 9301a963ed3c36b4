// `relais domain …`: sending domains from the command line, through the same service as
// the HTTP API (domains/service.ts). A domain is named by its id or, when unambiguous, by
// its name (`relais domain check example.com`).
import type { RecordCheck } from '../../auth/check-types.ts';
import { normalizeDomain } from '../../auth/domain-name.ts';
import type { Config } from '../../core/config.ts';
import { loadMasterKey } from '../../core/secret-box.ts';
import { createDomainService, type DomainService, type DomainWithPlan } from '../../domains/service.ts';
import type { Store } from '../../store/database.ts';
import { listDomainRows } from '../../store/domains-repo.ts';
import type { CliCommand, CliIo, ParsedArgs } from '../command.ts';
import { requireNumber, table, withStore } from '../context.ts';

const flag = (v: string | boolean | undefined) => (typeof v === 'string' ? v : undefined);

function withService<T>(fn: (svc: DomainService, store: Store, config: Config) => Promise<T>): Promise<T> {
  return withStore((store, config) => fn(createDomainService({ store, config, masterKey: loadMasterKey(config).key }), store, config));
}

/** An id, or a name owned by one tenant (or by --tenant). */
async function resolveId(store: Store, args: ParsedArgs, usage: string): Promise<{ id: number; tenantId?: number }> {
  const ref = args.positionals[0];
  if (!ref) throw new Error(`usage: relais ${usage}`);
  const tenantId = args.flags.tenant === undefined ? undefined : requireNumber(args.flags.tenant, '--tenant');
  if (/^\d+$/.test(ref)) return { id: Number(ref), tenantId };
  const name = normalizeDomain(ref).ascii;
  const rows = (await listDomainRows(store, tenantId)).filter((d) => d.name === name);
  if (rows.length === 0) throw new Error(`no domain ${name}${tenantId === undefined ? '' : ` for tenant ${tenantId}`} (see relais domain list)`);
  if (rows.length > 1) throw new Error(`${name} was added by tenants ${rows.map((r) => r.tenantId).join(', ')}: give the domain id or --tenant`);
  return { id: rows[0]!.id, tenantId };
}

function printRecords(io: CliIo, d: DomainWithPlan): void {
  io.out(`Domain ${d.unicode_name}${d.unicode_name !== d.name ? ` (${d.name})` : ''}  id ${d.id}  status ${d.status}${d.sending_allowed ? '  sending allowed' : ''}${d.hand_verified ? ' (verified by hand)' : ''}`);
  io.out('\nPublish these records (zone-file form; a DNS panel takes the value after the type):');
  for (const r of d.records) {
    const what = r.action === 'none' ? 'already published' : r.action === 'replace' ? `REPLACE ${r.replaces?.join(' | ') ?? ''}` : 'create';
    io.out(`\n  [${r.id}] ${r.required ? 'required' : 'optional'}, ${what}\n  ${r.zoneFile}\n  ${r.purpose}`);
  }
  if (d.operator_records.length > 0) {
    io.out('\nOperator records (published once by the Relais operator):');
    for (const r of d.operator_records) io.out(`  ${r.zoneFile}`);
  }
  for (const n of d.notes) io.out(`\nNote: ${n}`);
}

function printCheck(io: CliIo, summary: string, records: RecordCheck[]): void {
  io.out(summary);
  for (const r of records) {
    io.out(`\n  ${r.verdict.toUpperCase().padEnd(15)} ${r.id} (${r.type} ${r.name})${r.required ? '' : ' [advice]'}`);
    io.out(`    ${r.explanation}`);
    if (r.verdict !== 'pass' && r.expected) io.out(`    expected: ${r.expected}`);
    if (r.verdict !== 'pass' && r.found.length > 0) io.out(`    found:    ${r.found.join(' | ')}`);
  }
}

export const commands: CliCommand[] = [
  {
    words: ['domain', 'add'],
    summary: 'Add a sending domain for a tenant: makes a DKIM key and prints the DNS records to publish',
    usage: 'domain add NAME --tenant ID [--algorithm rsa-sha256|ed25519-sha256] [--json]',
    async run(args, io) {
      const name = args.positionals[0];
      if (!name || args.flags.tenant === undefined) throw new Error('usage: relais domain add NAME --tenant ID');
      const tenantId = requireNumber(args.flags.tenant, '--tenant');
      const algorithm = flag(args.flags.algorithm) as 'rsa-sha256' | 'ed25519-sha256' | undefined;
      return withService(async (svc) => {
        const d = await svc.add(tenantId, name, { algorithm });
        if (args.json) io.out(JSON.stringify(d));
        else {
          printRecords(io, d);
          io.out(`\nThen: relais domain check ${d.id}`);
        }
        return 0;
      });
    },
  },
  {
    words: ['domain', 'list'],
    summary: "List sending domains (a tenant's, or all)",
    usage: 'domain list [--tenant ID] [--json]',
    async run(args, io) {
      const tenantId = args.flags.tenant === undefined ? undefined : requireNumber(args.flags.tenant, '--tenant');
      return withService(async (svc, store) => {
        const views = await svc.list(tenantId);
        const tenants = new Map((await listDomainRows(store, tenantId)).map((r) => [r.id, r.tenantId]));
        if (args.json) io.out(JSON.stringify(views.map((v) => ({ ...v, tenant_id: tenants.get(v.id) }))));
        else {
          const rows = views.map((v) => ({
            id: v.id,
            tenant: tenants.get(v.id),
            name: v.unicode_name,
            status: v.status,
            sending: v.sending_allowed ? (v.hand_verified ? 'yes (by hand)' : 'yes') : 'no',
            signing: v.keys.filter((k) => k.signing).map((k) => k.selector).join(',') || '-',
            checked: v.checked_at ?? 'never',
          }));
          for (const l of table(rows, ['id', 'tenant', 'name', 'status', 'sending', 'signing', 'checked'])) io.out(l);
        }
        return 0;
      });
    },
  },
  {
    words: ['domain', 'show'],
    summary: 'Show a sending domain: records to publish, keys, last check',
    usage: 'domain show ID|NAME [--tenant ID] [--json]',
    async run(args, io) {
      return withService(async (svc, store) => {
        const { id, tenantId } = await resolveId(store, args, 'domain show ID|NAME');
        const d = await svc.get(id, tenantId);
        if (args.json) io.out(JSON.stringify(d));
        else {
          printRecords(io, d);
          if (d.last_check) {
            io.out(`\nLast check (${d.last_check.checked_at}):`);
            printCheck(io, d.last_check.summary, d.last_check.records);
          }
        }
        return 0;
      });
    },
  },
  {
    words: ['domain', 'check'],
    summary: 'Check a domain’s DNS records now (expected / found / verdict / explanation)',
    usage: 'domain check ID|NAME [--tenant ID] [--json]',
    async run(args, io) {
      return withService(async (svc, store) => {
        const { id, tenantId } = await resolveId(store, args, 'domain check ID|NAME');
        const r = await svc.check(id, tenantId, { actor: 'operator:cli' });
        if (args.json) io.out(JSON.stringify({ domain: r.domain, check: r.check, changes: r.changes, rotation: r.rotation }));
        else {
          printCheck(io, r.check.summary, r.check.records);
          for (const s of r.rotation) io.out(`\nDKIM rotation: ${s}`);
        }
        return r.check.status === 'verified' ? 0 : 1;
      });
    },
  },
  {
    words: ['domain', 'rotate-key'],
    summary: 'Start a DKIM key rotation: prints the new key’s record; signing switches once it is in DNS',
    usage: 'domain rotate-key ID|NAME [--tenant ID] [--algorithm rsa-sha256|ed25519-sha256] [--json]',
    async run(args, io) {
      return withService(async (svc, store) => {
        const { id, tenantId } = await resolveId(store, args, 'domain rotate-key ID|NAME');
        const d = await svc.rotate(id, tenantId, { actor: 'operator:cli', algorithm: flag(args.flags.algorithm) as 'rsa-sha256' | undefined });
        const fresh = d.keys.filter((k) => k.state === 'pending');
        if (args.json) io.out(JSON.stringify(d));
        else {
          for (const k of fresh) {
            io.out(`New key ${k.selector}: publish\n  ${k.record.name}. 3600 IN TXT ${k.record.strings.map((s) => JSON.stringify(s)).join(' ')}`);
          }
          io.out(`The current key keeps signing until the new one is found: run relais domain check ${d.id} after publishing.`);
        }
        return 0;
      });
    },
  },
  {
    words: ['domain', 'remove'],
    summary: 'Remove a sending domain and its keys (releases it for another tenant; audit-logged)',
    usage: 'domain remove ID|NAME [--tenant ID] [--json]',
    async run(args, io) {
      return withService(async (svc, store) => {
        const { id, tenantId } = await resolveId(store, args, 'domain remove ID|NAME');
        await svc.remove(id, tenantId, 'operator:cli');
        io.out(args.json ? JSON.stringify({ removed: id }) : `Domain ${id} removed; sending from it is refused from now on.`);
        return 0;
      });
    },
  },
  {
    words: ['domain', 'verify'],
    summary: 'Operator: mark a domain verified by hand (development; audit-logged)',
    usage: 'domain verify ID|NAME [--tenant ID] [--note TEXT] [--json]',
    async run(args, io) {
      return withService(async (svc, store) => {
        const { id } = await resolveId(store, args, 'domain verify ID|NAME');
        const d = await svc.verifyByHand(id, 'operator:cli', flag(args.flags.note));
        io.out(args.json ? JSON.stringify(d) : `${d.unicode_name} (id ${d.id}) is marked verified by hand; sending from it is allowed. This is recorded in the audit log.`);
        return 0;
      });
    },
  },
];
