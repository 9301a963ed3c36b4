// `relais bounce parse FILE…`: what the MX would make of a bounce message.
import { parseBounce } from '../../feedback/bounce.ts';
import type { CliCommand } from '../command.ts';
import { forEachFile } from '../context.ts';

export const commands: CliCommand[] = [
  {
    words: ['bounce', 'parse'],
    summary: 'Parse bounce messages (DSN or MTA notices): recipient, reason, status, hard/soft',
    usage: 'bounce parse FILE... [--json]',
    async run(args, io) {
      return forEachFile(args, io, 'bounce parse FILE... [--json]', (file, raw) => {
        const r = parseBounce(raw);
        if (args.json) {
          io.out(
            JSON.stringify({
              file,
              isBounce: r.isBounce,
              kind: r.kind,
              recipients: r.recipients.map((x) => ({
                address: x.address,
                reason: x.reason,
                enhancedStatus: x.enhanced ?? null,
                replyCode: x.code ?? null,
                hard: x.hard,
                bounce: x.hard ? 'hard' : 'soft',
                reply: x.reply,
                ...(x.remoteMta ? { remoteMta: x.remoteMta } : {}),
              })),
              ...(r.feedbackType ? { feedbackType: r.feedbackType } : {}),
              ...(r.originalMessageId ? { originalMessageId: r.originalMessageId } : {}),
              ...(r.truncated ? { truncated: r.truncated } : {}),
              ...(r.why ? { why: r.why } : {}),
            }),
          );
          return;
        }
        io.out(`${file}: ${r.isBounce ? 'bounce' : r.kind === 'not-bounce' ? 'not a bounce' : r.kind}${r.why ? ` (${r.why})` : ''}`);
        for (const x of r.recipients) {
          io.out(`  ${x.address || '(unknown)'}  ${x.reason}  ${x.hard ? 'hard' : 'soft'}  ${x.enhanced ?? '-'}  ${x.code ?? '-'}`);
          if (x.reply) io.out(`    ${x.reply.slice(0, 200)}`);
        }
        if (r.originalMessageId) io.out(`  original Message-ID: ${r.originalMessageId}`);
      });
    },
  },
];
