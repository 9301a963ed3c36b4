import { addPoolMembers, assignPool, createPool, listPools, removePoolMember } from '../../store/egress-repo.ts';
import type { CliCommand } from '../command.ts';
import { requireNumber, table, withStore } from '../context.ts';

const flag = (v: string | boolean | undefined) => (typeof v === 'string' ? v : undefined);
const ipList = (v: string | boolean | undefined) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);

export const commands: CliCommand[] = [
  {
    words: ['pool', 'create'],
    summary: 'Create a pool: shared for a stream, or dedicated to a tenant',
    usage: 'pool create NAME (--stream transactional|marketing | --tenant ID) [--ip IP,IP...] [--json]',
    async run(args, io) {
      const name = args.positionals[0];
      if (!name) throw new Error('usage: relais pool create NAME (--stream S | --tenant ID) [--ip IP,...]');
      const tenantId = args.flags.tenant === undefined ? null : requireNumber(args.flags.tenant, '--tenant');
      return withStore(async (store) => {
        let p = await createPool(store, { name, stream: flag(args.flags.stream) ?? null, tenantId });
        const ips = ipList(args.flags.ip);
        if (ips.length > 0) p = await addPoolMembers(store, name, ips);
        if (args.json) io.out(JSON.stringify(p));
        else io.out(`Pool ${p.name} (${p.kind}${p.tenantId ? `, tenant ${p.tenantId}` : p.stream ? `, ${p.stream}` : ', both streams'}) with ${p.ips.length} IP(s).`);
        return 0;
      });
    },
  },
  {
    words: ['pool', 'assign'],
    summary: 'Assign a pool to a tenant (dedicated) or a stream (shared), and/or add IPs to it',
    usage: 'pool assign NAME [--tenant ID | --stream S|both] [--ip IP,IP...] [--remove-ip IP] [--json]',
    async run(args, io) {
      const name = args.positionals[0];
      if (!name) throw new Error('usage: relais pool assign NAME [--tenant ID | --stream S] [--ip IP,...]');
      return withStore(async (store) => {
        if (args.flags.tenant !== undefined) await assignPool(store, name, { tenantId: requireNumber(args.flags.tenant, '--tenant') });
        else if (typeof args.flags.stream === 'string') await assignPool(store, name, { stream: args.flags.stream === 'both' ? null : args.flags.stream });
        const ips = ipList(args.flags.ip);
        if (ips.length > 0) await addPoolMembers(store, name, ips);
        if (typeof args.flags['remove-ip'] === 'string') await removePoolMember(store, name, args.flags['remove-ip']);
        const p = (await listPools(store)).find((x) => x.name === name)!;
        io.out(args.json ? JSON.stringify(p) : `Pool ${p.name}: ${p.kind}${p.tenantId ? ` for tenant ${p.tenantId}` : ` for ${p.stream ?? 'both streams'}`}, IPs ${p.ips.join(', ') || '(none)'}.`);
        return 0;
      });
    },
  },
  {
    words: ['pool', 'list'],
    summary: 'List pools with their IPs',
    usage: 'pool list [--json]',
    async run(args, io) {
      return withStore(async (store) => {
        const pools = await listPools(store);
        if (args.json) io.out(JSON.stringify(pools));
        else for (const l of table(pools.map((p) => ({ ...p, ips: p.ips.join(',') })), ['name', 'kind', 'stream', 'tenantId', 'ips'])) io.out(l);
        return 0;
      });
    },
  },
];
