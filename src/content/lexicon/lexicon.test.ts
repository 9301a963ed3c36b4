import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tokenize } from '../tokens.ts';
import { compiledExtraLexicon, compiledLexicon, EXTRA_LEXICONS, extraLexiconsFor, LEXICONS } from './index.ts';
import { compileLexicon, findPhrases } from './match.ts';
import { validateLexicon } from './schema.ts';

for (const lex of Object.values(LEXICONS)) {
  test(`lexicon ${lex.lang} is well-formed`, () => {
    assert.deepEqual(validateLexicon(lex), []);
    assert.ok(lex.entries.length >= 15, 'a lexicon needs real coverage');
  });

  test(`lexicon ${lex.lang}: every example matches its own entry`, () => {
    for (const e of lex.entries) {
      const ids = findPhrases(compiledLexicon(lex.lang), tokenize(e.example), e.example).map((m) => m.entry.id);
      assert.ok(ids.includes(e.id), `${e.id}: example "${e.example}" matched ${JSON.stringify(ids)}`);
    }
  });

  test(`lexicon ${lex.lang}: no phrase is listed twice`, () => {
    const seen = new Map<string, string>();
    for (const e of lex.entries) {
      for (const p of e.phrases) {
        const key = tokenize(p).map((t) => t.t).join(' ') + (p.includes('*') ? '*' : '');
        assert.ok(!seen.has(key), `${lex.lang}: "${p}" in ${e.id} and ${seen.get(key)}`);
        seen.set(key, e.id);
      }
    }
  });
}

for (const lex of Object.values(EXTRA_LEXICONS)) {
  test(`extra lexicon ${lex.lang} is well-formed, examples match, no phrase twice`, () => {
    assert.deepEqual(validateLexicon(lex), []);
    assert.ok(lex.entries.length >= 6, 'an extra lexicon needs real coverage');
    const seen = new Map<string, string>();
    for (const e of lex.entries) {
      const ids = findPhrases(compiledExtraLexicon(lex.lang), tokenize(e.example), e.example).map((m) => m.entry.id);
      assert.ok(ids.includes(e.id), `${e.id}: example "${e.example}" matched ${JSON.stringify(ids)}`);
      // and through the path checkContent uses
      const viaScan = extraLexiconsFor(e.example).flatMap((l) => findPhrases(l, tokenize(e.example), e.example).map((m) => m.entry.id));
      assert.ok(viaScan.includes(e.id), `${e.id} not found by extraLexiconsFor`);
      for (const p of e.phrases) {
        const key = p.toLowerCase();
        assert.ok(!seen.has(key), `${lex.lang}: "${p}" in ${e.id} and ${seen.get(key)}`);
        seen.set(key, e.id);
      }
    }
  });
}

test('extra lexicons: ordinary Japanese business mail and plain English trip nothing', () => {
  for (const text of ['いつもお世話になっております。添付の資料をご確認ください。', '会議の議事録を送付いたします。ご確認のほどよろしくお願いいたします。', 'Please find the minutes of the meeting attached.']) {
    const ids = extraLexiconsFor(text).flatMap((l) => findPhrases(l, tokenize(text), text).map((m) => m.entry.id));
    assert.deepEqual(ids, [], text);
  }
});

test('validateLexicon reports broken entries', () => {
  const problems = validateLexicon({
    lang: 'nl',
    entries: [
      { id: 'DE_WRONG', phrases: [], category: 'money', weight: 9, replacements: [], example: 'x' },
      { id: 'NL_OK', phrases: ['gratis'], category: 'links', weight: 1, replacements: [], example: 'iets gratis krijgen' },
    ],
  });
  assert.ok(problems.some((p) => p.includes('id must be NL_')));
  assert.ok(problems.some((p) => p.includes('no phrases')));
  assert.ok(problems.some((p) => p.includes('weight')));
  assert.ok(problems.some((p) => p.includes('example')));
  assert.ok(problems.some((p) => p.includes('not a wording category')));
});

test('matching: accents, case, wildcards and word boundaries', () => {
  const lex = compileLexicon([
    { id: 'DE_A', phrases: ['kostenlos*', '*angebot', 'völlig kostenlos'], category: 'free', weight: 1, replacements: [], example: 'kostenlos testen' },
    { id: 'DE_B', phrases: ['jetzt kaufen'], category: 'call_to_action', weight: 1, replacements: [], example: 'jetzt kaufen bitte' },
  ]);
  const cases: [string, string[]][] = [
    ['Kostenloser Versand', ['kostenloser']],
    ['Unser SONDERANGEBOT heute', ['sonderangebot']],
    ['VOLLIG KOSTENLOS!', ['vollig kostenlos']],
    ['jetzt, kaufen', ['jetzt, kaufen']],
    ['jetzt. Kaufen', []],
    ['Kaufhaus jetzt', []],
  ];
  for (const [text, want] of cases) {
    const got = findPhrases(lex, tokenize(text), text).map((m) => text.slice(m.start, m.end).toLowerCase());
    assert.deepEqual(got, want.map((w) => w.toLowerCase()), text);
  }
});
