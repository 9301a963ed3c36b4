// All lexicons, compiled once at import.
import type { Lang } from '../types.ts';
import { de } from './de.ts';
import { en } from './en.ts';
import { es } from './es.ts';
import { fr } from './fr.ts';
import { it } from './it.ts';
import { type CompiledLexicon, compileLexicon } from './match.ts';
import { nl } from './nl.ts';
import type { Lexicon } from './schema.ts';

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
