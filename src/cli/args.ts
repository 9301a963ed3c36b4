import type { ParsedArgs } from './command.ts';

/** Flags that never take a value, so `--json file.eml` keeps file.eml positional. */
const BOOLEAN_FLAGS = new Set(['json', 'help', 'force', 'yes', 'verbose', 'ed25519', 'all']);

/** Splits argv (after the command words) into positionals and --flags. */
export function parseArgs(argv: string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) {
        flags[a.slice(2, eq)] = a.slice(eq + 1);
      } else {
        const next = argv[i + 1];
        if (!BOOLEAN_FLAGS.has(a.slice(2)) && next !== undefined && !next.startsWith('--')) {
          flags[a.slice(2)] = next;
          i++;
        } else {
          flags[a.slice(2)] = true;
        }
      }
    } else {
      positionals.push(a);
    }
  }
  const json = flags.json === true || flags.json === 'true';
  delete flags.json;
  return { positionals, flags, json };
}
