// Word tokens with their offsets in the original text, folded for matching: lower case,
// no diacritics (é→e), ß→ss, æ→ae, œ→oe. Apostrophes split words (l'offre → l, offre) so
// French elisions match the same way in lexicons and in messages.

export interface Token {
  /** folded form used for matching */
  t: string;
  start: number;
  end: number;
}

const foldCache = new Map<string, string>();
const SPECIAL: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ı: 'i' };

/** Folds one word; ASCII words take the fast path. */
export function foldWord(w: string): string {
  let ascii = true;
  for (let i = 0; i < w.length; i++) {
    if (w.charCodeAt(i) > 127) {
      ascii = false;
      break;
    }
  }
  if (ascii) return w.toLowerCase();
  const cached = foldCache.get(w);
  if (cached !== undefined) return cached;
  let out = '';
  for (const ch of w.toLowerCase().normalize('NFD')) {
    if (/\p{M}/u.test(ch)) continue;
    out += SPECIAL[ch] ?? ch;
  }
  if (foldCache.size > 50_000) foldCache.clear();
  foldCache.set(w, out);
  return out;
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}\p{M}]/u;
const nonAsciiWordChar = new Map<number, boolean>();

/** Letters, digits and combining marks are word characters; ASCII is decided inline. */
function isWordChar(c: number, text: string, i: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
  let v = nonAsciiWordChar.get(c);
  if (v === undefined) {
    v = LETTER_OR_DIGIT.test(text[i]) || (c >= 0xd800 && c <= 0xdbff);
    if (nonAsciiWordChar.size < 10_000) nonAsciiWordChar.set(c, v);
  }
  return v;
}

/** Splits text into folded word tokens; stops after maxTokens to bound work. */
export function tokenize(text: string, maxTokens = 200_000): Token[] {
  const out: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n && out.length < maxTokens) {
    while (i < n && !isWordChar(text.charCodeAt(i), text, i)) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && isWordChar(text.charCodeAt(i), text, i)) i++;
    out.push({ t: foldWord(text.slice(start, i)), start, end: i });
  }
  return out;
}

/** The folded token sequence of a lexicon phrase (keeps a trailing/leading * wildcard). */
export function phraseTokens(phrase: string): string[] {
  const out: string[] = [];
  for (const m of phrase.matchAll(/\*?[\p{L}\p{N}]+\*?/gu)) {
    const raw = m[0];
    const pre = raw.startsWith('*') ? '*' : '';
    const post = raw.endsWith('*') && raw.length > 1 ? '*' : '';
    out.push(pre + foldWord(raw.replace(/\*/g, '')) + post);
  }
  return out;
}
