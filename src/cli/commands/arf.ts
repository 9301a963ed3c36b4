// `relais arf parse FILE…`: fields of a feedback-loop (complaint) report.
import { readFile } from 'node:fs/promises';
import { parseArf } from '../../feedback/arf.ts';
import type { CliCommand } from '../command.ts';

export const commands: CliCommand[] = [
  {
    words: ['arf', 'parse'],
    summary: 'Parse ARF feedback-loop reports (RFC 5965, Yahoo, JMRP, abusix): type, recipient, source IP, original message',
    usage: 'arf parse FILE... [--json]',
    async run(args, io) {
      if (args.positionals.length === 0) {
        io.err('usage: relais arf parse FILE... [--json]');
        return 2;
      }
      let failed = 0;
      for (const file of args.positionals) {
        let raw: Buffer;
        try {
          raw = await readFile(file);
        } catch (err) {
          failed++;
          if (args.json) io.out(JSON.stringify({ file, error: (err as Error).message }));
          else io.err(`${file}: ${(err as Error).message}`);
          continue;
        }
        const r = parseArf(raw);
        const { originalHeaders, ...rest } = r;
        if (args.json) {
          io.out(JSON.stringify({ file, ...rest, ...(originalHeaders ? { originalHeaders } : {}) }));
          continue;
        }
        if (!r.isArf) {
          io.out(`${file}: not an ARF report: ${r.why ?? 'unknown'}`);
          continue;
        }
        io.out(`${file}: ARF ${r.variant} feedback-type=${r.feedbackType}`);
        const show: [string, unknown][] = [
          ['user-agent', r.userAgent],
          ['original-mail-from', r.originalMailFrom],
          ['original-rcpt-to', r.originalRecipients.join(', ')],
          ['arrival-date', r.arrivalDate],
          ['source-ip', r.sourceIp],
          ['reported-domain', r.reportedDomain],
          ['original-message-id', r.originalMessageId],
          ['feedback-id', r.feedbackId],
        ];
        for (const [k, v] of show) if (v) io.out(`  ${k}: ${v}`);
      }
      return failed ? 1 : 0;
    },
  },
];
