// The shape every `relais` subcommand has. Commands live in src/cli/commands/, one file
// each, and are listed in src/cli/registry.ts.

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface ParsedArgs {
  /** positional arguments after the command words */
  positionals: string[];
  /** --flag value / --flag (true) ; repeated flags keep the last value */
  flags: Record<string, string | boolean>;
  json: boolean;
}

export interface CliCommand {
  /** words that select this command, e.g. ['tenant', 'create'] */
  words: string[];
  summary: string;
  usage: string;
  /** returns the process exit code */
  run: (args: ParsedArgs, io: CliIo) => Promise<number>;
}
