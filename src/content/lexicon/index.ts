// All lexicons, compiled once at import.
import type { Lang } from '../types.ts';
import { de } from './de.ts';
import { en } from './en.ts';
import { es } from './es.ts';
import { fr } from './fr.ts';
import { it } from './it.ts';
import { type CompiledLexicon, compileLexicon } from './match.ts';
import { nl } from './nl.ts';
import type { ExtraLang, ExtraLexicon, Lexicon } from './schema.ts';
import { ja } from './ja.ts';
import { ko } from './ko.ts';
import { tr } from './tr.ts';
import { zh } from './zh.ts';

export const LEXICONS: Record<Lang, Lexicon> = { en, nl, de, fr, es, it };

const compiled = new Map<Lang, CompiledLexicon>();
export function compiledLexicon(lang: Lang): CompiledLexicon {
  let c = compiled.get(lang);
  if (!c) {
    c = compileLexicon(LEXICONS[lang].entries);
    compiled.set(lang, c);
  }
  return c;
}

export const EXTRA_LEXICONS: Record<ExtraLang, ExtraLexicon> = { zh, ja, ko, tr };

let cjk: CompiledLexicon | undefined;
let turkish: CompiledLexicon | undefined;
/** Hiragana, katakana, CJK ideographs, Hangul. */
const CJK = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/;

/**
 * The extra-language lexicons worth scanning this text with. CJK patterns are infix
 * patterns tried at every token, so they only run when the text has CJK characters;
 * Turkish phrases start with an exact word (one map lookup per token) and always run.
 */
export function extraLexiconsFor(text: string): CompiledLexicon[] {
  turkish ??= compileLexicon(tr.entries);
  if (!CJK.test(text.length > 100_000 ? text.slice(0, 100_000) : text)) return [turkish];
  cjk ??= compileLexicon([...zh.entries, ...ja.entries, ...ko.entries]);
  return [turkish, cjk];
}

/** One extra language's lexicon compiled alone (tests). */
export function compiledExtraLexicon(lang: ExtraLang): CompiledLexicon {
  return compileLexicon(EXTRA_LEXICONS[lang].entries);
}
