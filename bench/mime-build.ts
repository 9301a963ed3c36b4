// Speed of the Send API intake's CPU work per message: validation, template rendering and
// MIME building of a typical ~4 KB text+html message, with nodemailer's MailComposer as
// the reference for the build step.
// Usage: node bench/mime-build.ts [ITERATIONS]
import MailComposer from 'nodemailer/lib/mail-composer';
import { renderMessage, validateSendRequest } from '../src/intake/mailjet/index.ts';
import type { NormalizedMessage } from '../src/intake/mailjet/types.ts';
import { buildMime } from '../src/intake/mime/index.ts';

const n = Number(process.argv[2] ?? 20_000);
const para =
  'Thank you for your order. Your parcel is on its way and should arrive within two working days. ';
const text = `Hello {{var:name:"customer"}},\n\n${para.repeat(8)}\n\nKind regards,\nThe Shop — Größenänderung möglich\n`;
const html = `<html><body><h1>Hello {{var:name:"customer"}}</h1>${`<p style="font-family:Arial,sans-serif;color:#333">${para}</p>`.repeat(12)}<p>Kind regards,<br>The Shop</p></body></html>`;

const body = {
  Globals: { From: { Email: 'shop@example.com', Name: 'The Shop' }, TemplateLanguage: true },
  Messages: Array.from({ length: 50 }, (_, i) => ({
    To: [{ Email: `customer${i}@example.org`, Name: `Customer ${i}` }],
    Subject: 'Your order {{var:order}} has shipped',
    TextPart: text,
    HTMLPart: html,
    Variables: { name: `Customer ${i}`, order: `A-${1000 + i}` },
    CustomID: `order-${i}`,
  })),
};

function time(label: string, iterations: number, fn: (i: number) => void): number {
  for (let i = 0; i < Math.min(2000, iterations); i++) fn(i); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn(i);
  const us = Number(process.hrtime.bigint() - t0) / 1000 / iterations;
  process.stderr.write(`${label}: ${us.toFixed(2)} µs/message\n`);
  return us;
}

const validateUs =
  time('validate (per message, batches of 50)', Math.ceil(n / 50), () => {
    const v = validateSendRequest(body);
    if (!v.ok) throw new Error('invalid');
  }) / 50;
process.stderr.write(`validate: ${validateUs.toFixed(2)} µs/message\n`);

const v = validateSendRequest(body);
if (!v.ok || !v.messages[0]!.ok) throw new Error('bench body invalid');
const msg = v.messages[0].message;
const renderUs = time('render', n, () => renderMessage(msg));
const rendered = renderMessage(msg).message as NormalizedMessage;
const opts = { messageIdHeader: '<bench@relais.example>', date: new Date(), feedbackId: 'none:1:transactional:relais' };
const size = buildMime(rendered, opts).length;
process.stderr.write(`message size: ${size} bytes\n`);
const buildUs = time('buildMime', n, () => buildMime(rendered, opts));

// MailComposer, same content (async, so measured sequentially with await)
const composerN = Math.min(n, 3000);
const compose = () =>
  new Promise<Buffer>((resolve, reject) =>
    new MailComposer({
      from: { name: 'The Shop', address: 'shop@example.com' },
      to: rendered.to.map((a) => ({ name: a.name ?? '', address: a.email })),
      subject: rendered.subject,
      text: rendered.textPart,
      html: rendered.htmlPart,
      messageId: opts.messageIdHeader,
      date: opts.date,
      headers: { 'Feedback-ID': opts.feedbackId },
      disableFileAccess: true,
      disableUrlAccess: true,
    })
      .compile()
      .build((err, out) => (err ? reject(err) : resolve(out))),
  );
for (let i = 0; i < 200; i++) await compose();
const t0 = process.hrtime.bigint();
for (let i = 0; i < composerN; i++) await compose();
const composerUs = Number(process.hrtime.bigint() - t0) / 1000 / composerN;
process.stderr.write(`MailComposer: ${composerUs.toFixed(2)} µs/message\n`);

const total = validateUs + renderUs + buildUs;
console.log(
  `size_bytes=${size} validate_us=${validateUs.toFixed(2)} render_us=${renderUs.toFixed(2)} build_us=${buildUs.toFixed(2)} mailcomposer_us=${composerUs.toFixed(2)} cpu_msgs_per_s_per_core=${Math.round(1e6 / total)}`,
);
