import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foldWord, phraseTokens, tokenize } from './tokens.ts';

test('foldWord removes case and diacritics', () => {
  const table: [string, string][] = [
    ['GRATIS', 'gratis'],
    ['Spéciale', 'speciale'],
    ['Straße', 'strasse'],
    ['Größe', 'grosse'],
    ['cœur', 'coeur'],
    ['Ærø', 'aero'],
  ];
  for (const [w, want] of table) assert.equal(foldWord(w), want, w);
});

test('tokenize keeps offsets into the original text', () => {
  const text = "Cliquez ici: l'offre GRATUITE!";
  const toks = tokenize(text);
  assert.deepEqual(toks.map((t) => t.t), ['cliquez', 'ici', 'l', 'offre', 'gratuite']);
  for (const t of toks) assert.equal(foldWord(text.slice(t.start, t.end)), t.t);
});

test('phraseTokens keeps wildcards', () => {
  assert.deepEqual(phraseTokens('*Angebot'), ['*angebot']);
  assert.deepEqual(phraseTokens('kostenlos* versand'), ['kostenlos*', 'versand']);
  assert.deepEqual(phraseTokens("aujourd'hui seulement"), ['aujourd', 'hui', 'seulement']);
});
