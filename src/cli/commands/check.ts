// `relais check FILE… [--json] [--stream marketing|transactional] [--spamd host:port]`:
// content check of raw messages before sending (FILE `-` reads standard input). Readable report by default; with --json
// one JSON object per file per line. Exit code 1 when a file is likely spam, 2 on errors.
import { readFile } from 'node:fs/promises';
import { checkContent, type ContentReport, spamdCheck, type SpamdResult, type Stream } from '../../content/index.ts';
import type { CliCommand, CliIo, ParsedArgs } from '../command.ts';

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function printReport(io: CliIo, file: string, r: ContentReport, spamd: SpamdResult | string | undefined): void {
  io.out(`${file}: score ${r.score} / ${r.threshold} (rating ${r.rating}/10, ${r.verdict}), language ${r.language}`);
  for (const h of r.hits) {
    const where = h.offset >= 0 ? `${h.part}@${h.offset}` : h.part;
    io.out(`  ${h.points.toFixed(1).padStart(4)}  ${h.rule.padEnd(26)} ${where.padEnd(12)} ${h.matched ? `"${h.matched.slice(0, 60).replace(/\s+/g, ' ')}"  ` : ''}${h.description}`);
    if (h.replacements.length > 0) io.out(`        → ${h.replacements.join(' | ')}`);
  }
  if (r.advice.length > 0) {
    io.out('  advice:');
    for (const a of r.advice.slice(0, 10)) io.out(`   - ${a}`);
  }
  for (const e of r.errors) io.out(`  lookup error: ${e}`);
  if (typeof spamd === 'string') io.out(`  spamassassin: ${spamd}`);
  else if (spamd) {
    io.out(`  spamassassin: ${spamd.score} / ${spamd.threshold}`);
    for (const rule of spamd.rules.filter((x) => x.score !== 0)) io.out(`    ${rule.score.toFixed(1).padStart(5)}  ${rule.name.padEnd(26)} ${rule.description}`);
  }
}

async function run(args: ParsedArgs, io: CliIo): Promise<number> {
  if (args.positionals.length === 0) {
    io.err('usage: relais check FILE… [--json] [--stream marketing|transactional] [--spamd host:port]');
    return 2;
  }
  const stream = args.flags.stream;
  if (stream !== undefined && stream !== 'marketing' && stream !== 'transactional') {
    io.err('--stream must be marketing or transactional');
    return 2;
  }
  let spamdAddr: { host: string; port: number } | undefined;
  if (typeof args.flags.spamd === 'string') {
    const m = /^(.+):(\d+)$/.exec(args.flags.spamd);
    if (!m) {
      io.err('--spamd must be host:port');
      return 2;
    }
    spamdAddr = { host: m[1], port: Number(m[2]) };
  }
  let worst = 0;
  for (const file of args.positionals) {
    try {
      const raw = file === '-' ? await readStdin() : await readFile(file);
      const report = await checkContent({ raw }, { stream: stream as Stream | undefined });
      let spamd: SpamdResult | string | undefined;
      if (spamdAddr) {
        try {
          spamd = await spamdCheck(raw, { ...spamdAddr, timeoutMs: 30_000 });
        } catch (err) {
          spamd = `unavailable: ${(err as Error).message}`;
        }
      }
      if (args.json) io.out(JSON.stringify({ file, ...report, ...(spamd !== undefined ? { spamassassin: typeof spamd === 'string' ? { error: spamd } : spamd } : {}) }));
      else printReport(io, file, report, spamd);
      if (report.verdict === 'likely_spam') worst = Math.max(worst, 1);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (args.json) io.out(JSON.stringify({ file, error: message }));
      else io.err(`${file}: ${message}`);
      worst = 2;
    }
  }
  return worst;
}

export const commands: CliCommand[] = [
  {
    words: ['check'],
    summary: 'content check of messages: spam score, rating and advice (nl/de/fr/en)',
    usage: 'check FILE… [--json] [--stream marketing|transactional] [--spamd host:port]',
    run,
  },
];
