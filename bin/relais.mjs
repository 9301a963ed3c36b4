#!/usr/bin/env node
// Entry for `npx relais`: re-executes the TypeScript CLI on the Node 24 shipped in
// node_modules (the system Node may be older and cannot strip types).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const local = join(root, 'node_modules', '.bin', 'node');
const nodeBin = existsSync(local) ? local : process.execPath;
const result = spawnSync(nodeBin, [join(root, 'src', 'cli', 'main.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
