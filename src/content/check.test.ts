import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkContent } from './check.ts';
import { TEXTS } from './i18n/index.ts';
import type { ContentReport, Lang, Stream } from './types.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');

async function fixture(name: string): Promise<ContentReport> {
  const stream: Stream = name.includes('marketing') ? 'marketing' : 'transactional';
  return checkContent({ raw: readFileSync(join(FIXTURES, name)) }, { stream });
}

const LANGS: Lang[] = ['nl', 'de', 'fr', 'en', 'es', 'it'];

for (const lang of LANGS) {
  for (const stream of ['marketing', 'transactional']) {
    test(`fixtures ${lang} ${stream}: spammy scores above clean, language and advice in ${lang}`, async () => {
      const clean = await fixture(`${lang}-${stream}-clean.eml`);
      const spammy = await fixture(`${lang}-${stream}-spammy.eml`);
      assert.equal(clean.language, lang);
      assert.equal(spammy.language, lang);
      assert.ok(spammy.score > clean.score, `${spammy.score} > ${clean.score}`);
      assert.ok(clean.score < 2.5, `clean ${lang} ${stream} scored ${clean.score}: ${clean.hits.map((h) => h.rule).join(',')}`);
      assert.ok(spammy.score >= 5, `spammy ${lang} ${stream} scored only ${spammy.score}`);
      assert.equal(spammy.verdict, 'likely_spam');
      assert.ok(clean.rating > spammy.rating);
      // advice lines come from this language's texts
      const t = TEXTS[lang];
      const templates = [t.replace, t.remove, ...Object.values(t.rules).map((r) => r.a)].map((s) => s.split('{')[0].trim()).filter((s) => s.length > 3);
      assert.ok(spammy.advice.length > 0);
      for (const line of spammy.advice) assert.ok(templates.some((p) => line.startsWith(p)), `advice not in ${lang}: ${line}`);
      // wording hits carry same-language replacements or none
      const wording = spammy.hits.filter((h) => h.rule.startsWith(`${lang.toUpperCase()}_`));
      assert.ok(wording.length > 0, 'expected wording hits');
    });
  }
}

test('every fixture is covered by the language/stream grid', () => {
  const names = readdirSync(FIXTURES).filter((f) => f.endsWith('.eml'));
  assert.equal(names.length, 24);
  for (const lang of LANGS) for (const s of ['marketing', 'transactional']) for (const k of ['clean', 'spammy']) assert.ok(names.includes(`${lang}-${s}-${k}.eml`));
});

test('hits point at the matched text', async () => {
  const html = '<html><body><p>Hallo,</p><p>Bestel nu en krijg alles GRATIS!</p><p>Groet, de winkel</p></body></html>';
  const r = await checkContent({ subject: 'Laatste kans', html, text: 'Hallo,\nBestel nu en krijg alles GRATIS!\nGroet, de winkel' }, { language: 'nl' });
  const gratis = r.hits.find((h) => h.rule === 'NL_GRATIS' && h.part === 'html');
  assert.ok(gratis);
  assert.equal(html.slice(gratis.offset, gratis.offset + gratis.matched.length), 'GRATIS');
  assert.deepEqual(gratis.replacements, ['kosteloos', 'zonder kosten', 'inbegrepen']);
  const subj = r.hits.find((h) => h.rule === 'NL_LAATSTE_KANS' && h.part === 'subject');
  assert.ok(subj && subj.offset === 0 && subj.points > 1);
  assert.ok(r.hits.some((h) => h.rule === 'TRIGGER_SHOUTED'));
});

// one row per structural rule: input parts → the rule must fire; a control must not
const RULE_CASES: { rule: string; input: Parameters<typeof checkContent>[0]; control: Parameters<typeof checkContent>[0] }[] = [
  { rule: 'SUBJ_ALL_CAPS', input: { subject: 'YOUR ORDER HAS SHIPPED', text: 'Your order has shipped today.' }, control: { subject: 'Your order has shipped', text: 'Your order has shipped today.' } },
  { rule: 'SUBJ_EXCLAIM', input: { subject: 'Sale!!', text: 'Our sale starts today.' }, control: { subject: 'Sale!', text: 'Our sale starts today.' } },
  { rule: 'SUBJ_MONEY_SIGNS', input: { subject: 'Earn $$$ today', text: 'Details inside.' }, control: { subject: 'Earn $5 today', text: 'Details inside.' } },
  { rule: 'BODY_CAPS_75', input: { subject: 'x', text: 'THIS IS A VERY LOUD MESSAGE WITH ONLY CAPITAL LETTERS IN IT. '.repeat(4) }, control: { subject: 'x', text: 'This is a calm message with normal letters in it. '.repeat(4) } },
  { rule: 'BODY_EXCLAIM', input: { subject: 'x', text: 'Great news!!! Come and see.' }, control: { subject: 'x', text: 'Great news! Come and see.' } },
  { rule: 'MIME_HTML_ONLY', input: { subject: 'x', html: '<p>Hello there, this is the news of the week for you.</p>' }, control: { subject: 'x', html: '<p>Hello there, this is the news of the week for you.</p>', text: 'Hello there, this is the news of the week for you.' } },
  { rule: 'MPART_ALT_DIFF', input: { subject: 'x', html: `<p>${'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform '.repeat(2)}</p>`, text: 'Completely different words about something else entirely, nothing shared here at all.' }, control: { subject: 'x', html: `<p>${'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform '.repeat(2)}</p>`, text: 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform' } },
  { rule: 'HTML_IMAGE_ONLY', input: { subject: 'x', html: '<a href="https://shop.example/"><img src="https://shop.example/big.jpg" width="600" height="800"></a>', text: 'See the offer' }, control: { subject: 'x', html: `<img src="https://shop.example/big.jpg"><p>${'Our autumn catalogue has forty new products for the garden and the kitchen. '.repeat(3)}</p>`, text: 'Our autumn catalogue has forty new products for the garden and the kitchen.' } },
  { rule: 'HTML_HIDDEN_TEXT', input: { subject: 'x', html: '<p>Hello, see our shop.</p><div style="color:#fff">cheap pills casino loans winner prize bonus</div>', text: 'Hello, see our shop.' }, control: { subject: 'x', html: '<p>Hello, see our shop.</p><div style="color:#333">Opening hours: nine to five on weekdays</div>', text: 'Hello, see our shop. Opening hours: nine to five on weekdays' } },
  { rule: 'HTML_SCRIPT', input: { subject: 'x', html: '<p>Hello</p><script>alert(1)</script>' }, control: { subject: 'x', html: '<p>Hello</p>' } },
  { rule: 'HTML_FORM', input: { subject: 'x', html: '<form action="https://x.example/"><input name="pin"></form>' }, control: { subject: 'x', html: '<p>form</p>' } },
  { rule: 'LINK_TEXT_MISMATCH', input: { subject: 'x', html: '<a href="https://evil.example/login">www.mybank.com</a>' }, control: { subject: 'x', html: '<a href="https://www.mybank.com/login">www.mybank.com</a>' } },
  { rule: 'URL_SHORTENER', input: { subject: 'x', text: 'See https://bit.ly/abc for details.' }, control: { subject: 'x', text: 'See https://shop.example/abc for details.' } },
  { rule: 'URL_RAW_IP', input: { subject: 'x', text: 'Log in at http://192.0.2.1/login now.' }, control: { subject: 'x', text: 'Log in at https://bank.example/login now.' } },
  { rule: 'URL_USERINFO', input: { subject: 'x', text: 'Go to http://bank.example@evil.example/ now.' }, control: { subject: 'x', text: 'Go to http://bank.example/ now.' } },
  { rule: 'UNSUB_LINK_MISSING', input: { subject: 'x', text: 'Our new collection is here.', stream: 'marketing' }, control: { subject: 'x', text: 'Our new collection is here. Unsubscribe: https://shop.example/unsubscribe', stream: 'marketing' } },
  { rule: 'LIST_UNSUB_MISSING', input: { subject: 'x', text: 'News', stream: 'marketing' }, control: { subject: 'x', text: 'News', stream: 'marketing', headers: { 'List-Unsubscribe': '<https://shop.example/u>' } } },
  { rule: 'FROM_REPLYTO_DIFF', input: { subject: 'x', text: 'hi', from: 'a@shop.example', replyTo: 'b@other.example' }, control: { subject: 'x', text: 'hi', from: 'a@shop.example', replyTo: 'b@mail.shop.example' } },
  { rule: 'FROM_DISPLAY_ADDR', input: { subject: 'x', text: 'hi', from: '"service@bank.example" <x@evil.example>' }, control: { subject: 'x', text: 'hi', from: '"Bank Service" <x@bank.example>' } },
  { rule: 'ATTACH_DANGEROUS', input: { subject: 'x', text: 'see attached', attachments: [{ filename: 'invoice.pdf.exe', contentType: 'application/octet-stream', size: 1000 }] }, control: { subject: 'x', text: 'see attached', attachments: [{ filename: 'invoice.pdf', contentType: 'application/pdf', size: 1000 }] } },
  { rule: 'EMPTY_MESSAGE', input: { subject: 'x', text: '' }, control: { subject: 'x', text: 'Hello there friend' } },
  { rule: 'BODY_BIG_MONEY', input: { subject: 'x', text: 'You will receive US$ 25,000,000 within days.' }, control: { subject: 'x', text: 'Your order total is $25.00.' } },
  { rule: 'PRIORITY_HIGH', input: { subject: 'x', text: 'hello', headers: { 'X-Priority': '1 (Highest)' } }, control: { subject: 'x', text: 'hello', headers: { 'X-Priority': '3 (Normal)' } } },
  { rule: 'SUBJ_DECORATED', input: { subject: '*** Big news ***', text: 'hello' }, control: { subject: 'Big news', text: 'hello' } },
  { rule: 'SUBJ_TRAILING_ID', input: { subject: 'Lower your rates        8412', text: 'hello' }, control: { subject: 'Your order 8412', text: 'hello' } },
  { rule: 'BODY_CAPS_WORDS', input: { subject: 'x', text: 'This is AMAZING and FREE and you MUST ACT NOW because ONLY TODAY the PRICE is LOW for EVERY CUSTOMER here.' }, control: { subject: 'x', text: 'This is a normal sentence with one NASA acronym and nothing shouted in it at all today.' } },
  { rule: 'OBFUSCATED_WORD', input: { subject: 'x', text: 'Buy cheap V-I-A-G-R-A here today.' }, control: { subject: 'x', text: 'Made in the U.S.A. and shipped by A-Z Logistics.' } },
  { rule: 'RCPT_ADDR_SHOWN', input: { subject: 'janssen@example.nl, your offer', text: 'hello', headers: { To: 'janssen@example.nl' } }, control: { subject: 'Your offer, Mr Janssen', text: 'hello there janssen', headers: { To: 'ann@example.nl' } } },
  { rule: 'RCPT_ADDR_SHOWN', input: { subject: 'Your offer', text: 'Dear jan@example.nl, here is your offer.', headers: { To: 'jan@example.nl' } }, control: { subject: 'Re: offer', text: 'Thanks! On Monday jan@example.nl wrote: ...', headers: { To: 'jan@example.nl' } } },
  { rule: 'SUBJ_MISSING', input: { subject: '', text: 'Hello there' }, control: { subject: 'Hello', text: 'Hello there' } },
];

for (const c of RULE_CASES) {
  test(`rule ${c.rule} fires on its case and not on the control`, async () => {
    const r = await checkContent(c.input, { language: 'en' });
    assert.ok(r.hits.some((h) => h.rule === c.rule), `${c.rule} missing: ${r.hits.map((h) => h.rule).join(',')}`);
    const ctl = await checkContent(c.control, { language: 'en' });
    assert.ok(!ctl.hits.some((h) => h.rule === c.rule), `${c.rule} fired on control`);
    const hit = r.hits.find((h) => h.rule === c.rule)!;
    assert.ok(hit.points > 0 && hit.description.length > 10);
  });
}

test('raw messages without Date and Message-ID are flagged; parts input is not', async () => {
  const raw = 'From: a@shop.example\r\nTo: b@example.org\r\nSubject: hello\r\n\r\nHello there, your order is on its way.\r\n';
  const r = await checkContent({ raw });
  assert.ok(r.hits.some((h) => h.rule === 'MISSING_DATE'));
  assert.ok(r.hits.some((h) => h.rule === 'MISSING_MID'));
  const p = await checkContent({ subject: 'hello', text: 'Hello there, your order is on its way.' });
  assert.ok(!p.hits.some((h) => h.rule.startsWith('MISSING_')));
});

test('score is the sum of points, rating is 10 minus score, clamped', async () => {
  const r = await checkContent({ subject: 'FREE $$$ ACT NOW!!!', text: 'Dear friend, act now! 100% free, risk free, no obligation!!! Make money from home.' });
  const sum = Math.round(r.hits.reduce((s, h) => s + h.points, 0) * 100) / 100;
  assert.equal(r.score, sum);
  assert.equal(r.rating, Math.max(0, Math.round((10 - r.score) * 10) / 10));
  assert.ok(r.score > 5);
});
