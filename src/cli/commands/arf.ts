// `relais arf parse FILE…`: fields of a feedback-loop (complaint) report.
import { parseArf } from '../../feedback/arf.ts';
import type { CliCommand } from '../command.ts';
import { forEachFile } from '../context.ts';

export const commands: CliCommand[] = [
  {
    words: ['arf', 'parse'],
    summary: 'Parse ARF feedback-loop reports (RFC 5965, Yahoo, JMRP, abusix): type, recipient, source IP, original message',
    usage: 'arf parse FILE... [--json]',
    async run(args, io) {
      return forEachFile(args, io, 'arf parse FILE... [--json]', (file, raw) => {
        const r = parseArf(raw);
        const { originalHeaders, ...rest } = r;
        if (args.json) {
          io.out(JSON.stringify({ file, ...rest, ...(originalHeaders ? { originalHeaders } : {}) }));
          return;
        }
        if (!r.isArf) {
          io.out(`${file}: not an ARF report: ${r.why ?? 'unknown'}`);
          return;
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
      });
    },
  },
];
