import { configurationMarkdown, loadConfig } from '../../core/config.ts';
import { SETTINGS } from '../../core/config-schema.ts';
import { redact } from '../../store/database.ts';
import type { CliCommand } from '../command.ts';
import { withStore } from '../context.ts';
import { migrate } from '../../store/migrate.ts';

export const commands: CliCommand[] = [
  {
    words: ['config', 'check'],
    summary: 'Validate the configuration (environment and RELAIS_CONFIG file) and show it',
    usage: 'config check [--json]',
    async run(args, io) {
      const cfg = loadConfig();
      const shown: Record<string, unknown> = {};
      for (const s of SETTINGS) {
        const v = (cfg as unknown as Record<string, unknown>)[s.key];
        shown[s.key] = s.secret && v !== undefined ? (s.key === 'databaseUrl' ? redact(String(v)) : '***') : v;
      }
      if (args.json) io.out(JSON.stringify({ ok: true, config: shown }));
      else {
        io.out('Configuration is valid:');
        for (const [k, v] of Object.entries(shown)) io.out(`  ${k.padEnd(26)} ${Array.isArray(v) ? v.join(',') : (v ?? '')}`);
      }
      return 0;
    },
  },
  {
    words: ['config', 'docs'],
    summary: 'Print docs/configuration.md generated from the schema',
    usage: 'config docs',
    async run(_args, io) {
      io.out(configurationMarkdown().trimEnd());
      return 0;
    },
  },
  {
    words: ['migrate'],
    summary: 'Create or upgrade the database schema',
    usage: 'migrate [--json]',
    async run(args, io) {
      return withStore(async (store) => {
        const applied = await migrate(store); // withStore already migrated; this reports
        io.out(args.json ? JSON.stringify({ ok: true, dialect: store.dialect, applied }) : `Schema is up to date (${store.dialect}).`);
        return 0;
      });
    },
  },
];
