import { loadConfig } from '../../core/config.ts';
import { loadAdminToken } from '../../runtime/relais-node.ts';
import type { CliCommand } from '../command.ts';

export const commands: CliCommand[] = [
  {
    words: ['admin', 'token'],
    summary: 'Print the operator bearer token for /v1/admin/* (generated on first use)',
    usage: 'admin token [--json]',
    async run(args, io) {
      const cfg = loadConfig();
      const { token, file } = loadAdminToken(cfg);
      io.out(args.json ? JSON.stringify({ token, source: file ?? 'RELAIS_ADMIN_TOKEN' }) : token);
      return 0;
    },
  },
];
