// The `relais` command. Subcommands are discovered from src/cli/commands/*.ts, each
// exporting `commands: CliCommand[]`, so adding a command never edits a shared list.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from './args.ts';
import type { CliCommand, CliIo } from './command.ts';

export async function loadCommands(): Promise<CliCommand[]> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'commands');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
  const all: CliCommand[] = [];
  for (const f of files) {
    try {
      const mod = (await import(pathToFileURL(join(dir, f)).href)) as { commands?: CliCommand[] };
      if (mod.commands) all.push(...mod.commands);
    } catch (err) {
      // One broken command module must not take the whole CLI down with it.
      process.stderr.write(`relais: commands in ${f} are unavailable: ${(err as Error).message.split('\n')[0]}\n`);
    }
  }
  return all;
}

/** Picks the command whose words match the longest prefix of argv. */
export function selectCommand(commands: CliCommand[], argv: string[]): { command: CliCommand; rest: string[] } | undefined {
  let best: CliCommand | undefined;
  for (const c of commands) {
    if (c.words.every((w, i) => argv[i] === w) && (!best || c.words.length > best.words.length)) best = c;
  }
  return best ? { command: best, rest: argv.slice(best.words.length) } : undefined;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const commands = await loadCommands();
  const picked = selectCommand(commands, argv);
  if (!picked || argv[0] === 'help' || argv.length === 0) {
    io.out('relais: self-hostable email delivery\n\nCommands:');
    const width = Math.max(...commands.map((c) => c.words.join(' ').length));
    for (const c of commands.sort((a, b) => a.words.join(' ').localeCompare(b.words.join(' ')))) {
      io.out(`  relais ${c.words.join(' ').padEnd(width)}  ${c.summary}`);
    }
    io.out('\nEvery command takes --json for machine-readable output.');
    return picked || argv.length === 0 || argv[0] === 'help' ? 0 : 2;
  }
  const args = parseArgs(picked.rest);
  if (args.flags.help) {
    io.out(`usage: relais ${picked.command.usage}\n${picked.command.summary}`);
    return 0;
  }
  try {
    return await picked.command.run(args, io);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (args.json) io.out(JSON.stringify({ error: message }));
    else io.err(`relais: ${message}`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // `relais … | head` closes the pipe early: stop quietly instead of crashing on EPIPE.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const io: CliIo = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };
  const code = await runCli(process.argv.slice(2), io);
  // `start` keeps running; every other command exits with its code.
  if (code !== -1) process.exitCode = code;
}
