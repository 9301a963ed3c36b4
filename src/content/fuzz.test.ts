// Mutated fixtures (truncations, byte flips, shuffled lines, dropped boundaries): every
// mutant must give a report or a RelaisError, quickly. Seeded, so failures reproduce.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { RelaisError } from '../core/errors.ts';
import { checkContent } from './check.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(buf: Buffer, r: () => number): Buffer {
  const b = Buffer.from(buf);
  switch (Math.floor(r() * 5)) {
    case 0:
      return b.subarray(0, Math.floor(r() * b.length));
    case 1:
      for (let i = 0; i < 20; i++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
      return b;
    case 2: {
      const lines = b.toString('latin1').split('\n');
      for (let i = lines.length - 1; i > 0; i--) {
        if (r() < 0.2) {
          const j = Math.floor(r() * (i + 1));
          [lines[i], lines[j]] = [lines[j], lines[i]];
        }
      }
      return Buffer.from(lines.join('\n'), 'latin1');
    }
    case 3:
      return Buffer.from(b.toString('latin1').replace(/^--.*$/gm, () => (r() < 0.5 ? '' : '--')), 'latin1');
    default:
      return Buffer.from(b.toString('latin1').replace(/<\/?[a-z]+/gi, (m) => (r() < 0.3 ? '<' : m)), 'latin1');
  }
}

test('mutated fixtures never crash the checker', async () => {
  const dir = join(import.meta.dirname, 'fixtures');
  const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
  const r = rng(20261129);
  let reports = 0;
  for (const f of files) {
    const raw = readFileSync(join(dir, f));
    for (let i = 0; i < 25; i++) {
      const m = mutate(raw, r);
      const t = performance.now();
      try {
        const rep = await checkContent({ raw: m }, { stream: 'marketing' });
        assert.ok(Number.isFinite(rep.score) && rep.rating >= 0 && rep.rating <= 10);
        reports++;
      } catch (err) {
        assert.ok(err instanceof RelaisError, `${f} mutant ${i}: ${(err as Error).stack}`);
      }
      assert.ok(performance.now() - t < 2000, `${f} mutant ${i} was slow`);
    }
  }
  assert.ok(reports > files.length * 20, 'most mutants should still give a report');
});
