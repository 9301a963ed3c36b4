// `relais check` (src/cli/commands/check.ts), run through the real CLI dispatcher.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../cli/main.ts';

const dir = join(import.meta.dirname, 'fixtures');

async function cli(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

test('relais check --json prints one object per file', async () => {
  const r = await cli(['check', '--json', '--stream', 'marketing', join(dir, 'nl-marketing-spammy.eml'), join(dir, 'nl-marketing-clean.eml')]);
  assert.equal(r.out.length, 2);
  const [spammy, clean] = r.out.map((l) => JSON.parse(l));
  assert.equal(spammy.language, 'nl');
  assert.ok(spammy.score > 5 && clean.score < spammy.score);
  const gratis = spammy.hits.find((h: { rule: string }) => h.rule === 'NL_GRATIS');
  assert.ok(gratis?.replacements.includes('kosteloos'));
  for (const k of ['rule', 'category', 'points', 'matched', 'replacements']) assert.ok(k in gratis, k);
  assert.equal(r.code, 1, 'exit 1 when a file is likely spam');
});

test('relais check prints a readable report and advice', async () => {
  const r = await cli(['check', join(dir, 'de-marketing-spammy.eml')]);
  const text = r.out.join('\n');
  assert.match(text, /score [\d.]+ \/ 5/);
  assert.match(text, /language de/);
  assert.match(text, /Ersetzen Sie/);
  const ok = await cli(['check', join(dir, 'fr-transactional-clean.eml')]);
  assert.equal(ok.code, 0);
});

test('relais check reports unreadable files and bad flags', async () => {
  const r = await cli(['check', '--json', '/nonexistent/file.eml']);
  assert.equal(r.code, 2);
  assert.ok(JSON.parse(r.out[0]).error);
  assert.equal((await cli(['check'])).code, 2);
  assert.equal((await cli(['check', '--stream', 'bulk', join(dir, 'en-marketing-clean.eml')])).code, 2);
});
