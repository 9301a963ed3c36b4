// Bounce classification agreement over a labelled corpus laid out like
// ../shared/corpora/bounces (eml/ + labels.tsv, one row per expected recipient).
//   node bench/eval-bounces.ts [FOLDER] [--verbose]
// Prints the confusion of the misses, then a last line of key=value figures.
// Rows whose label the other Sisimai implementation disputes (p5_sisimai_agrees=no...) are
// ambiguous: either reading counts as agreement; strict figures are printed too.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBounce } from '../src/feedback/bounce.ts';
import { normaliseReason } from '../src/feedback/taxonomy.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const folder = args.find((a) => !a.startsWith('--')) ?? join(repoRoot, '..', 'shared', 'corpora', 'bounces');
const labelsPath = join(folder, 'labels.tsv');
if (!existsSync(labelsPath)) {
  process.stderr.write(`eval-bounces: no labels.tsv in ${folder}\n`);
  process.exit(2);
}

interface Row {
  file: string;
  index: number;
  reason: string;
  hardSoft: string;
  altReason?: string;
  altHard?: string;
}

const lines = readFileSync(labelsPath, 'utf8').split(/\r?\n/).filter((l) => l.trim());
const head = lines[0].split('\t');
const col = (name: string) => head.indexOf(name);
const rows: Row[] = lines.slice(1).map((l) => {
  const c = l.split('\t');
  const agrees = c[col('p5_sisimai_agrees')] ?? '';
  // e.g. no(p5:spamdetected/5.7.0/soft)
  const alt = /p5:([a-z_]+)\/[^/]*\/(\w+)/i.exec(agrees);
  return {
    file: c[col('file')],
    index: Number(c[col('recipient_index')]),
    reason: normaliseReason(c[col('expected_reason')]),
    hardSoft: c[col('hard_or_soft')] ?? '',
    ...(alt ? { altReason: normaliseReason(alt[1]), altHard: alt[2] } : {}),
  };
});

/**
 * Some corpus files are mailboxes holding several bounces (mbox "From " separators); the
 * labels number the recipients across all of them, as Sisimai reads a mailbox. The MX gets
 * one message at a time, so each is parsed on its own and the recipients are concatenated.
 */
function parseFile(raw: Buffer): ReturnType<typeof parseBounce> {
  const text = raw.toString('latin1');
  const seps = [...text.matchAll(/^From \S+ +\w{3} \w{3} +\d{1,2} \d\d:\d\d:\d\d \d{4}\r?$/gm)].map((m) => m.index);
  if (seps.length < 2) return parseBounce(raw);
  const parts = seps.map((start, i) => raw.subarray(start, seps[i + 1] ?? raw.length));
  const results = parts.map((p) => parseBounce(p));
  const first = results.find((r) => r.kind !== 'not-bounce') ?? results[0];
  return { ...first, recipients: results.flatMap((r) => r.recipients) };
}

const cache = new Map<string, ReturnType<typeof parseBounce>>();
let n = 0;
let reasonOk = 0;
let reasonStrict = 0;
let hsN = 0;
let hsOk = 0;
let hsStrict = 0;
const confusion = new Map<string, number>();
const missFiles: string[] = [];
const hsMisses: string[] = [];
const half = [
  { n: 0, ok: 0 },
  { n: 0, ok: 0 },
];
const t0 = performance.now();
for (const row of rows) {
  let res = cache.get(row.file);
  if (!res) {
    const path = join(folder, 'eml', row.file);
    try {
      res = parseFile(readFileSync(path));
    } catch (err) {
      process.stderr.write(`${row.file}: threw ${(err as Error).message}\n`);
      res = { isBounce: false, kind: 'not-bounce', recipients: [] };
    }
    cache.set(row.file, res);
    if (cache.size % 50 === 0) process.stderr.write(`parsed ${cache.size} files\n`);
  }
  n++;
  let got: string;
  let gotHard: boolean | undefined;
  if (row.reason === 'not_a_bounce') {
    got = res.kind === 'not-bounce' ? 'not_a_bounce' : res.kind === 'dsn' ? (res.recipients[0]?.reason ?? 'dsn') : res.kind;
  } else {
    const r = res.recipients[row.index - 1];
    got = res.kind === 'not-bounce' ? 'not_a_bounce' : (r?.reason ?? 'missing');
    gotHard = r?.hard;
  }
  const strict = got === row.reason;
  const ok = strict || (row.altReason !== undefined && got === row.altReason);
  if (strict) reasonStrict++;
  if (ok) reasonOk++;
  // Held-out style check: agreement on alternate rows (a rule that helps only one half is suspect).
  half[n % 2].n++;
  if (ok) half[n % 2].ok++;
  else {
    const key = `${row.reason} -> ${got}`;
    confusion.set(key, (confusion.get(key) ?? 0) + 1);
    missFiles.push(`${row.file}#${row.index} expected=${row.reason} got=${got} reply=${JSON.stringify(res.recipients[row.index - 1]?.reply?.slice(0, 160) ?? '')}`);
  }
  if (row.hardSoft === 'hard' || row.hardSoft === 'soft') {
    hsN++;
    const want = row.hardSoft === 'hard';
    const hsStrictOk = gotHard === want;
    if (hsStrictOk) hsStrict++;
    if (hsStrictOk || (row.altHard !== undefined && gotHard === (row.altHard === 'hard'))) hsOk++;
    else if (verbose) hsMisses.push(`${row.file}#${row.index} expected=${row.hardSoft} got=${gotHard === undefined ? 'missing' : gotHard ? 'hard' : 'soft'} (${row.reason} -> ${got})`);
  }
}
const ms = performance.now() - t0;

process.stdout.write('confusion of misses (expected -> got):\n');
for (const [k, v] of [...confusion.entries()].sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${String(v).padStart(3)}  ${k}\n`);
if (verbose) for (const m of missFiles) process.stdout.write(`  miss ${m}\n`);
if (verbose) for (const m of hsMisses) process.stdout.write(`  hard/soft miss ${m}\n`);
process.stdout.write(
  `reason_agreement_strict=${(reasonStrict / n).toFixed(3)} hardsoft_agreement_strict=${(hsStrict / hsN).toFixed(3)} reason_agreement_odd_rows=${(half[1].ok / half[1].n).toFixed(3)} reason_agreement_even_rows=${(half[0].ok / half[0].n).toFixed(3)} files=${cache.size} ms=${ms.toFixed(0)}\n`,
);
process.stdout.write(`reason_agreement=${(reasonOk / n).toFixed(3)} hardsoft_agreement=${(hsOk / hsN).toFixed(3)} n=${n}\n`);
