import { egressDnsCheck } from '../../auth/egress-dns-check.ts';
import { addEgressIp, findEgressIp, listEgressIps, listPools, updateEgressIp } from '../../store/egress-repo.ts';
import type { CliCommand } from '../command.ts';
import { table, withStore } from '../context.ts';

const flag = (v: string | boolean | undefined) => (typeof v === 'string' ? v : undefined);

export const commands: CliCommand[] = [
  {
    words: ['ip', 'add'],
    summary: 'Declare an egress IP: local source address, HELO name, expected PTR',
    usage: 'ip add IP --helo NAME [--ptr NAME] [--weight N] [--json]',
    async run(args, io) {
      const ip = args.positionals[0];
      const helo = flag(args.flags.helo);
      if (!ip || !helo) throw new Error('usage: relais ip add IP --helo NAME [--ptr NAME] [--weight N]');
      const weight = flag(args.flags.weight) === undefined ? undefined : Number(args.flags.weight);
      return withStore(async (store) => {
        const r = await addEgressIp(store, { ip, helo, ptr: flag(args.flags.ptr) ?? null, weight });
        io.out(args.json ? JSON.stringify(r) : `Egress IP ${r.ip} added (HELO ${r.helo}). Next: relais pool create NAME --stream transactional --ip ${r.ip}`);
        return 0;
      });
    },
  },
  {
    words: ['ip', 'list'],
    summary: 'List egress IPs',
    usage: 'ip list [--json]',
    async run(args, io) {
      return withStore(async (store) => {
        const ips = await listEgressIps(store);
        const pools = await listPools(store);
        const rows = ips.map((i) => ({ ...i, pools: pools.filter((p) => p.ips.includes(i.ip)).map((p) => p.name).join(',') }));
        if (args.json) io.out(JSON.stringify(rows));
        else for (const l of table(rows, ['ip', 'helo', 'ptr', 'weight', 'status', 'pools'])) io.out(l);
        return 0;
      });
    },
  },
  {
    words: ['ip', 'show'],
    summary: 'Show one egress IP with its pools and its reverse DNS / HELO check',
    usage: 'ip show IP [--json]',
    async run(args, io) {
      const ip = args.positionals[0];
      if (!ip) throw new Error('usage: relais ip show IP');
      return withStore(async (store, config) => {
        const r = await findEgressIp(store, ip);
        if (!r) throw new Error(`egress IP ${ip} not found`);
        const pools = (await listPools(store)).filter((p) => p.ips.includes(ip)).map((p) => p.name);
        const dns = await egressDnsCheck(r, { config });
        if (args.json) io.out(JSON.stringify({ ...r, pools, dns_check: dns }));
        else {
          io.out(`IP:      ${r.ip}\nHELO:    ${r.helo}\nPTR:     ${r.ptr ?? '(not set)'}\nWeight:  ${r.weight}\nStatus:  ${r.status}\nPools:   ${pools.join(', ') || '(none)'}`);
          const found = dns.ptr.length > 0 ? `PTR ${dns.ptr.join(', ')}${dns.forward_confirmed.length > 0 ? ', forward-confirmed' : ''}` : 'no PTR';
          io.out(`DNS:     ${dns.verdict.toUpperCase()} (${found})`);
          for (const w of dns.warnings) io.out(`  warning: ${w}`);
        }
        return 0;
      });
    },
  },
  {
    words: ['ip', 'pause'],
    summary: 'Stop sending from an egress IP (resume with ip resume)',
    usage: 'ip pause IP [--json]',
    async run(args, io) {
      return withStore(async (store) => {
        const r = await updateEgressIp(store, args.positionals[0] ?? '', { status: 'paused' });
        io.out(args.json ? JSON.stringify(r) : `Egress IP ${r.ip} paused.`);
        return 0;
      });
    },
  },
  {
    words: ['ip', 'resume'],
    summary: 'Resume sending from a paused egress IP',
    usage: 'ip resume IP [--json]',
    async run(args, io) {
      return withStore(async (store) => {
        const r = await updateEgressIp(store, args.positionals[0] ?? '', { status: 'active' });
        io.out(args.json ? JSON.stringify(r) : `Egress IP ${r.ip} active.`);
        return 0;
      });
    },
  },
];
