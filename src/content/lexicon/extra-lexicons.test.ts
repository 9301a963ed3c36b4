import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkContent } from '../check.ts';

// End to end: charset decoding, then the extra lexicons, whatever the report language.
function raw(subject: string, charset: string, encoded: Buffer): Buffer {
  const head = [
    'From: Shop <shop@example.com>',
    'To: someone@example.org',
    `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
    'Date: Tue, 3 Jun 2025 10:00:00 +0900',
    'Message-ID: <x1@example.com>',
    'MIME-Version: 1.0',
    `Content-Type: text/plain; charset=${charset}`,
    'Content-Transfer-Encoding: 8bit',
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'latin1'), encoded]);
}

test('Japanese (Shift_JIS body) and Chinese (UTF-8) spam wording is found; business mail is not', async () => {
  // Shift_JIS bytes of 突然のメール失礼いたします。登録無料の出会い系サイトのご案内です。今後この広告がご不要な方はご返信ください。
  const jaSpamSjis = Buffer.from('k8uRUoLMg4GBW4OLjriX54Kigr2CtYLcgreBQpNvmF6Ws5e/gsyPb4nvgqKMboNUg0ODZ4LMgrKIxJPggsWCt4FCjaGM44KxgsyNTI2QgqqCspVzl3aCyJX7gs2CspXUkE2CrYK+grOCooFC', 'base64');
  const ja = await checkContent({ raw: raw('未承諾広告※ ご案内', 'Shift_JIS', jaSpamSjis) });
  const jaRules = ja.hits.map((h) => h.rule);
  for (const r of ['JA_UNSOLICITED_AD', 'JA_SUDDEN_MAIL', 'JA_DATING', 'JA_AD_OPT_OUT']) assert.ok(jaRules.includes(r), `${r} in ${jaRules}`);
  // several spam_phrase hits: the category cap (3.5) keeps them from stacking without limit
  assert.ok(ja.score >= 4.5, `Japanese spam scored ${ja.score}: ${ja.hits.map((h) => `${h.rule}=${h.points}`)}`);

  const zhSpam = '亲爱的朋友：在家创业，轻松赚钱！完全免费注册。如有打扰，敬请原谅。';
  const zh = await checkContent({ raw: raw('好消息', 'utf-8', Buffer.from(zhSpam)) });
  assert.ok(zh.score >= 5, `Chinese spam scored ${zh.score}: ${zh.hits.map((h) => h.rule)}`);

  // Shift_JIS bytes of いつもお世話になっております。先日の会議の議事録を添付いたします。ご確認のほどよろしくお願いいたします。
  const jaHamSjis = Buffer.from('gqKCwoLggqiQophigsmCyILBgsSCqILogtyCt4FCkOaT+oLMie+LY4LMi2OOlphegvCTWZV0gqKCvYK1gtyCt4FCgrKKbZRGgsyC2YLHguaC64K1gq2CqIrogqKCooK9grWC3IK3gUI=', 'base64');
  const ham = await checkContent({ raw: raw('議事録の送付', 'Shift_JIS', jaHamSjis) });
  assert.ok(ham.score < 2.5, `Japanese business mail scored ${ham.score}: ${ham.hits.map((h) => h.rule)}`);
  // the matched text is the phrase, not the whole sentence it sits in
  const hit = ja.hits.find((h) => h.rule === 'JA_DATING');
  assert.equal(hit?.matched, '出会い系');
});
