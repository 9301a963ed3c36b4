import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkContent } from '../check.ts';

const CLEAN_HEADERS: Record<string, string> = {
  From: 'Anna <anna@example.nl>',
  To: 'jan@example.org',
  Subject: 'Agenda voor dinsdag',
  Date: 'Tue, 3 Jun 2025 10:00:00 +0200',
  'Message-ID': '<abc.123@example.nl>',
  'MIME-Version': '1.0',
  'Content-Type': 'text/plain; charset=utf-8',
};
const BODY = 'Hallo Jan,\r\n\r\nHierbij de agenda voor het overleg van dinsdag. Tot dan!\r\n\r\nAnna\r\n';

function raw(overrides: Record<string, string | undefined>, body = BODY): string {
  const h = { ...CLEAN_HEADERS, ...overrides };
  return `${Object.entries(h)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n')}\r\n\r\n${body}`;
}

async function rules(msg: string): Promise<string[]> {
  return (await checkContent({ raw: msg })).hits.map((h) => h.rule);
}

const NEW_RULES = ['FROM_NAME_CAPS', 'MSGID_MALFORMED', 'DATE_MALFORMED', 'TO_NO_ADDRESS', 'XMAILER_FORGED', 'FROM_NUMBERED', 'MIME_BASE64_TEXT', 'HTML_COMMENT_SPLIT'];

test('a well-formed message trips none of the header-format rules', async () => {
  const got = await rules(raw({}));
  assert.deepEqual(got.filter((r) => NEW_RULES.includes(r)), []);
  // other accepted shapes: no weekday, named zone, comment after the zone, Mac Outlook Express
  const ok = await rules(raw({ Date: '3 Jun 2025 10:00 GMT', 'X-Mailer': 'Microsoft Outlook Express Macintosh Edition - 5.02' }));
  assert.deepEqual(ok.filter((r) => NEW_RULES.includes(r)), []);
  // current Outlook writes no X-MimeOLE
  const modern = await rules(raw({ 'X-Mailer': 'Microsoft Outlook 16.0' }));
  assert.deepEqual(modern.filter((r) => NEW_RULES.includes(r)), []);
  const ok2 = await rules(raw({ Date: 'Mon, 22 Jul 2002 17:03:43 -0700 (PDT)', 'X-Mailer': 'Microsoft Outlook Express 6.00.2600.0000', 'X-MimeOLE': 'Produced By Microsoft MimeOLE V6.00.2600.0000' }));
  assert.deepEqual(ok2.filter((r) => NEW_RULES.includes(r)), []);
});

const cases: [string, Record<string, string | undefined>, string][] = [
  ['MSGID_MALFORMED', { 'Message-ID': '1234567890' }, 'no angle brackets or @'],
  ['MSGID_MALFORMED', { 'Message-ID': '<abc def@x.nl>' }, 'space inside'],
  ['DATE_MALFORMED', { Date: '2025-06-03 10:00:00' }, 'ISO date'],
  ['DATE_MALFORMED', { Date: 'Tue, 3 Jun 2025 10:00:00' }, 'no zone'],
  ['TO_NO_ADDRESS', { To: 'undisclosed-recipients:;' }, 'hidden list'],
  ['TO_NO_ADDRESS', { To: 'Friend' }, 'no address'],
  ['XMAILER_FORGED', { 'X-Mailer': 'Microsoft Outlook Express 6.00.2600.0000' }, 'Outlook Express without X-MimeOLE'],
  ['XMAILER_FORGED', { 'X-Mailer': 'Microsoft Outlook, Build 10.0.2627' }, 'Outlook 2002 without X-MimeOLE'],
  ['FROM_NUMBERED', { From: 'Deals <bestdeals4821@example.com>' }, 'digits at the end'],
  ['FROM_NAME_CAPS', { From: '"BEST DEALS" <deals@example.com>' }, 'sender name in capitals'],
];
for (const [rule, headers, why] of cases) {
  test(`${rule}: ${why}`, async () => {
    assert.ok((await rules(raw(headers))).includes(rule));
  });
}

test('MIME_BASE64_TEXT: a base64 text part, not a base64 attachment', async () => {
  const b64 = Buffer.from(BODY).toString('base64');
  const single = raw({ 'Content-Transfer-Encoding': 'base64' }, `${b64}\r\n`);
  assert.ok((await rules(single)).includes('MIME_BASE64_TEXT'));
  const multi = raw(
    { 'Content-Type': 'multipart/mixed; boundary="b1"' },
    `--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${BODY}\r\n--b1\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64}\r\n--b1--\r\n`,
  );
  assert.ok(!(await rules(multi)).includes('MIME_BASE64_TEXT'));
  const multiText = multi.replace('Content-Type: text/plain; charset=utf-8\r\n\r\n', `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64}\r\n\r\n`);
  assert.ok((await rules(multiText)).includes('MIME_BASE64_TEXT'));
});

test('HTML_COMMENT_SPLIT: a comment between letters, not between blocks', async () => {
  const html = (s: string) => ({ html: `<p>${s}</p>`, text: s.replace(/<!--.*?-->/g, ''), subject: 'x' });
  const split = await checkContent(html('Buy chea<!-- 9f2 -->p wat<!-- k -->ches today and every day of the week'));
  assert.ok(split.hits.some((h) => h.rule === 'HTML_COMMENT_SPLIT'));
  const normal = await checkContent(html('Buy cheap watches <!-- footer --> today and every day of the week'));
  assert.ok(!normal.hits.some((h) => h.rule === 'HTML_COMMENT_SPLIT'));
});

test('HTML_NO_UNSUB: only for an unknown stream, only without any way out', async () => {
  const html = '<p>Great prices on garden tools this week, see <a href="https://shop.example.com/tools">the tools</a>.</p>';
  const rulesOf = async (input: Parameters<typeof checkContent>[0]) => (await checkContent(input)).hits.map((h) => h.rule);
  assert.ok((await rulesOf({ subject: 'Garden tools', html })).includes('HTML_NO_UNSUB'));
  const withLink = `${html}<p><a href="https://shop.example.com/u">Unsubscribe</a></p>`;
  assert.ok(!(await rulesOf({ subject: 'Garden tools', html: withLink })).includes('HTML_NO_UNSUB'));
  assert.ok(!(await rulesOf({ subject: 'Garden tools', html, stream: 'transactional' })).includes('HTML_NO_UNSUB'));
  assert.ok(!(await rulesOf({ subject: 'Garden tools', html, headers: { 'List-Unsubscribe': '<https://shop.example.com/u>' } })).includes('HTML_NO_UNSUB'));
});

test('URL_OBFUSCATED and MIXED_SCRIPT_WORD', async () => {
  const rulesOf = async (html: string) => (await checkContent({ subject: 'Your account', html, text: 'x' })).hits.map((h) => h.rule);
  assert.ok((await rulesOf('<p>Sign in at <a href="http://3232235777/login">our site</a> today please.</p>')).includes('URL_OBFUSCATED'));
  assert.ok((await rulesOf('<p>Sign in at <a href="http://%77%77%77.example.com/">our site</a> today please.</p>')).includes('URL_OBFUSCATED'));
  assert.ok(!(await rulesOf('<p>Sign in at <a href="https://www.example.com/a%20b">our site</a> today please.</p>')).includes('URL_OBFUSCATED'));
  // "Pаypal" with a Cyrillic а (U+0430)
  assert.ok((await rulesOf('<p>Your P\u0430ypal account needs attention, please read.</p>')).includes('MIXED_SCRIPT_WORD'));
  assert.ok((await rulesOf('<p>Your \u0420aypal account needs attention, please read.</p>')).includes('MIXED_SCRIPT_WORD'));
  assert.ok(!(await rulesOf('<p>Mis-decoded bison\u043f\u0457\u0405one text is not a trick.</p>')).includes('MIXED_SCRIPT_WORD'));
  assert.ok(!(await rulesOf('<p>Your Paypal account and your Москва trip are booked.</p>')).includes('MIXED_SCRIPT_WORD'));
});
