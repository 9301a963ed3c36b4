// Language detection by function words: short, frequent words that are distinctive per
// language. Reliable from a sentence or two on, fast (one set lookup per token), and easy
// to extend: a new language needs one list here plus a lexicon and texts.
import { foldWord, type Token } from './tokens.ts';
import type { Lang } from './types.ts';

const FUNCTION_WORDS: Record<Lang, string> = {
  en: 'the and of to is are was were you your for with this that have has not from will would be by on at or an it we our can if all they their what which there been more about when who',
  nl: 'de het een en van ik je jij u uw is niet op te dat die zijn met voor er maar ook als bij nog wel naar hebben heeft wordt worden dit deze ons onze jullie zo uit om tot kunt kun wij we hier vandaag',
  de: 'der die das und ist nicht ein eine einen dem den des zu mit sich auf für von sie ihr ihre wir uns unser unsere ich du auch es als bei nach noch oder wird werden sind haben hat können hier diese dieser',
  fr: 'le la les et est un une des du de pas que qui pour dans sur avec vous votre vos nous notre nos ce cette ces il elle sont au aux par plus ou mais je tu se leur chez tout très été sera avez êtes était ont',
  es: 'el la los las y de del que en un una es por para con su sus se lo al como más pero este esta estos usted ustedes nosotros nuestro nuestra muy ya hay también fue han sido todos gracias',
  it: 'il lo la gli le di del della che un una è non per con su si ci come più ma questo questa questi lei noi nostro nostra molto già anche sono stato hanno alla dei delle al nel grazie',
};

const SETS = Object.fromEntries(
  (Object.keys(FUNCTION_WORDS) as Lang[]).map((l) => [l, new Set(FUNCTION_WORDS[l].split(' ').map(foldWord))]),
) as Record<Lang, Set<string>>;
const ORDER = Object.keys(FUNCTION_WORDS) as Lang[];

export interface LanguageGuess {
  lang: Lang;
  /** share of counted function words that belong to the winner, 0..1 */
  confidence: number;
}

/** Guesses the language from the first `limit` tokens; English when nothing is known. */
export function detectLanguage(tokens: Token[], limit = 3000): LanguageGuess {
  const counts: Record<string, number> = {};
  for (const l of ORDER) counts[l] = 0;
  const n = Math.min(tokens.length, limit);
  for (let i = 0; i < n; i++) {
    const t = tokens[i].t;
    if (t.length > 8) continue;
    for (const l of ORDER) if (SETS[l].has(t)) counts[l]++;
  }
  let best: Lang = 'en';
  let total = 0;
  for (const l of ORDER) {
    total += counts[l];
    if (counts[l] > counts[best]) best = l;
  }
  if (counts[best] < 3) return { lang: 'en', confidence: 0 };
  return { lang: best, confidence: Math.round((counts[best] / total) * 100) / 100 };
}
