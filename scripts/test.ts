// `npm test`: type check, lint, then every *.test.ts under src/ and test/ with node --test.
// PostgreSQL tests run when RELAIS_TEST_PG_URL is set (.ci/run sets it); otherwise they
// are skipped and the summary says so.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') continue;
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const onlyFiles = process.argv.slice(2);
const skipStatic = process.env.RELAIS_TEST_SKIP_STATIC === '1' || onlyFiles.length > 0;
if (!skipStatic) {
  for (const [label, cmd, args] of [
    ['type check', 'tsc', ['--noEmit', '-p', '.']],
    ['lint', 'biome', ['lint', 'src', 'test', 'bench', 'scripts']],
  ] as const) {
    process.stdout.write(`# ${label}\n`);
    const r = spawnSync(cmd, [...args], { stdio: 'inherit' });
    if (r.status !== 0) {
      process.stderr.write(`${label} failed\n`);
      process.exit(r.status ?? 1);
    }
  }
}
if (!process.env.RELAIS_TEST_PG_URL) {
  process.stdout.write('# PostgreSQL tests will be SKIPPED: RELAIS_TEST_PG_URL is not set (.ci/run starts a PostgreSQL and sets it)\n');
}
const files = onlyFiles.length > 0 ? onlyFiles : [...findTests('src'), ...findTests('test')].sort();
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=120000', ...files], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
