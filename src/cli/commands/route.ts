import { addRoute, listRoutes, removeRoute } from '../../store/egress-repo.ts';
import type { CliCommand } from '../command.ts';
import { table, withStore } from '../context.ts';

export const commands: CliCommand[] = [
  {
    words: ['route', 'add'],
    summary: 'Send mail for a domain (or *) to a fixed host:port instead of its MX (like a Postfix transport map)',
    usage: 'route add DOMAIN HOST:PORT [--json]',
    async run(args, io) {
      const [domain, target] = args.positionals;
      if (!domain || !target) throw new Error('usage: relais route add DOMAIN HOST:PORT');
      return withStore(async (store) => {
        const r = await addRoute(store, domain, target);
        io.out(args.json ? JSON.stringify(r) : `Mail for ${r.domain} now goes to ${r.target} (running nodes pick it up within seconds).`);
        return 0;
      });
    },
  },
  {
    words: ['route', 'list'],
    summary: 'List static routes (those from the config file are not shown)',
    usage: 'route list [--json]',
    async run(args, io) {
      return withStore(async (store, config) => {
        const stored = await listRoutes(store);
        const fromConfig = config.routes.map((r) => ({ domain: r.split('=')[0], target: r.split('=')[1], source: 'config' }));
        const rows = [...fromConfig, ...stored.map((r) => ({ domain: r.domain, target: r.target, source: 'store' }))];
        if (args.json) io.out(JSON.stringify(rows));
        else for (const l of table(rows, ['domain', 'target', 'source'])) io.out(l);
        return 0;
      });
    },
  },
  {
    words: ['route', 'remove'],
    summary: 'Remove the static route of a domain',
    usage: 'route remove DOMAIN [--json]',
    async run(args, io) {
      const domain = args.positionals[0];
      if (!domain) throw new Error('usage: relais route remove DOMAIN');
      return withStore(async (store) => {
        await removeRoute(store, domain);
        io.out(args.json ? JSON.stringify({ removed: domain }) : `Route for ${domain} removed.`);
        return 0;
      });
    },
  },
];
