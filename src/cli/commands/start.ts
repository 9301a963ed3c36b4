import { loadConfig } from '../../core/config.ts';
import { startNode } from '../../runtime/relais-node.ts';
import { redact } from '../../store/database.ts';
import type { CliCommand } from '../command.ts';

export const commands: CliCommand[] = [
  {
    words: ['start'],
    summary: 'Start Relais (roles from RELAIS_ROLES or --roles, default all)',
    usage: 'start [--roles api,smtp,mx,mta] [--json]',
    async run(args, io) {
      const env = { ...process.env };
      if (typeof args.flags.roles === 'string') env.RELAIS_ROLES = args.flags.roles;
      const config = loadConfig({ env });
      const node = await startNode(config);
      const p = node.ports;
      if (args.json) {
        io.out(JSON.stringify({ ready: true, http: node.httpUrl, ports: p, database: redact(config.databaseUrl), adminToken: node.adminToken }));
      } else {
        io.out(`Relais is running (${config.roles.join(', ')}) on ${config.hostname}`);
        io.out(`  database        ${redact(config.databaseUrl)}`);
        if (node.httpUrl) io.out(`  HTTP API        ${node.httpUrl}   (POST /v3.1/send, /v1/*, /openapi.json)`);
        if (p.smtp) io.out(`  SMTP submission ${config.smtpHost}:${p.smtp} (STARTTLS) and :${p.smtps} (TLS)`);
        if (p.mx) io.out(`  inbound MX      ${config.smtpHost}:${p.mx}`);
        io.out(`  TLS             ${node.tlsGenerated ? 'generated a self-signed certificate in ' : 'certificate from '}${config.tlsCertFile ?? `${config.dataDir}/tls`}`);
        io.out(`  operator token  in ${config.adminToken ? 'RELAIS_ADMIN_TOKEN' : `${config.dataDir}/admin.token`}`);
        io.out('First tenant and key, in another shell:');
        io.out('  npx relais tenant create "My Company" --key');
      }
      const stop = async () => {
        await node.stop();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return await new Promise<number>(() => {}); // runs until a signal
    },
  },
];
