// ARF field-extraction agreement over a folder laid out like ../shared/corpora/arf
// (eml/ + labels.tsv with the expected fields per report).
//   node bench/eval-arf.ts [FOLDER] [--verbose]
// Compares each labelled, non-empty field after light normalisation (angle brackets,
// whitespace, case); last line is key=value figures.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ArfReport, parseArf } from '../src/feedback/arf.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const folder = args.find((a) => !a.startsWith('--')) ?? join(repoRoot, '..', 'shared', 'corpora', 'arf');
const labelsPath = join(folder, 'labels.tsv');
if (!existsSync(labelsPath)) {
  process.stderr.write(`eval-arf: no labels.tsv in ${folder}\n`);
  process.exit(2);
}

const FIELDS: [string, (r: ArfReport) => string | undefined][] = [
  ['feedback_type', (r) => r.feedbackType],
  ['user_agent', (r) => r.userAgent],
  ['version', (r) => r.version],
  ['original_mail_from', (r) => r.originalMailFrom],
  ['original_rcpt_to', (r) => (r.originalRecipients.length ? r.originalRecipients.join(' | ') : undefined)],
  ['arrival_date', (r) => r.arrivalDate],
  ['source_ip', (r) => r.sourceIp],
  ['reporting_mta', (r) => r.reportingMta],
  ['reported_domain', (r) => r.reportedDomain],
  ['auth_failure', (r) => r.authFailure],
  ['original_envelope_id', (r) => r.originalEnvelopeId],
  ['original_message_id', (r) => r.originalMessageId],
  ['original_from', (r) => r.originalFrom],
  ['original_subject', (r) => r.originalSubject],
];

const norm = (s: string | undefined) =>
  (s ?? '')
    .replace(/[<>"]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();

const lines = readFileSync(labelsPath, 'utf8').split(/\r?\n/).filter((l) => l.trim());
const head = lines[0].split('\t');
const col = (n: string) => head.indexOf(n);
let files = 0;
let detectOk = 0;
let fieldsN = 0;
let fieldsOk = 0;
const perField = new Map<string, [number, number]>();
for (const line of lines.slice(1)) {
  const c = line.split('\t');
  const file = c[col('file')];
  files++;
  const r = parseArf(readFileSync(join(folder, 'eml', file)));
  const wantArf = c[col('is_rfc5965_report')] === 'yes';
  if (r.isArf === wantArf) detectOk++;
  else if (verbose) process.stdout.write(`  detect ${file}: want ${wantArf} got ${r.isArf} ${r.why ?? ''}\n`);
  for (const [name, get] of FIELDS) {
    const i = col(name);
    if (i < 0) continue;
    const want = c[i] ?? '';
    if (!want.trim()) continue;
    fieldsN++;
    const ok = norm(get(r)) === norm(want);
    if (ok) fieldsOk++;
    else if (verbose) process.stdout.write(`  miss ${file} ${name}: want ${JSON.stringify(want)} got ${JSON.stringify(get(r) ?? null)}\n`);
    const pf = perField.get(name) ?? [0, 0];
    pf[0] += ok ? 1 : 0;
    pf[1]++;
    perField.set(name, pf);
  }
}
for (const [k, [ok, n]] of perField) process.stdout.write(`  ${k.padEnd(22)} ${ok}/${n}\n`);
process.stdout.write(`detection_agreement=${(detectOk / files).toFixed(3)} field_agreement=${(fieldsOk / fieldsN).toFixed(3)} fields=${fieldsN} n=${files}\n`);
