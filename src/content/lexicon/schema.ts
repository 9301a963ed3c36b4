// The lexicon format: one data module per language, each entry a wording rule with its
// category, weight in points, replacements that keep the meaning, and a real example text
// it must match (lexicon.test.ts checks every example, so entries cannot rot silently).
import type { Category, Lang } from '../types.ts';

export interface LexiconEntry {
  /** rule id, upper snake case, prefixed with the language: NL_GRATIS */
  id: string;
  /**
   * Phrases matched on whole words, case- and accent-insensitive. A `*` at the end of a
   * word matches any ending (kostenlos* → kostenlose); at the start any beginning, for
   * German compounds (*angebot → Sonderangebot).
   */
  phrases: string[];
  category: Category;
  /** points when found in the body */
  weight: number;
  /** points when found in the subject (default 1.5 × weight) */
  subjectWeight?: number;
  /** suggestions in the same language that keep the meaning; may be empty */
  replacements: string[];
  /** a realistic sentence containing one of the phrases */
  example: string;
}

export interface Lexicon {
  lang: Lang;
  entries: LexiconEntry[];
}

/**
 * Languages we have wording rules for but no report texts or detection: their lexicons are
 * matched on every message (CJK ones only when the text has CJK characters), so Chinese,
 * Japanese, Korean or Turkish spam is caught whatever the report language is.
 */
export type ExtraLang = 'zh' | 'ja' | 'ko' | 'tr';

export interface ExtraLexicon {
  lang: ExtraLang;
  entries: LexiconEntry[];
}

const WORDING_CATEGORIES = new Set<Category>([
  'money',
  'free',
  'urgency',
  'overpromise',
  'phishing',
  'spam_phrase',
  'call_to_action',
  'health',
]);

/** Returns a list of problems (empty when the lexicon is well-formed). */
export function validateLexicon(lex: Lexicon | ExtraLexicon): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const prefix = `${lex.lang.toUpperCase()}_`;
  for (const e of lex.entries) {
    const where = `${lex.lang}:${e.id}`;
    if (!/^[A-Z][A-Z0-9_]+$/.test(e.id) || !e.id.startsWith(prefix)) problems.push(`${where}: id must be ${prefix}UPPER_SNAKE`);
    if (ids.has(e.id)) problems.push(`${where}: duplicate id`);
    ids.add(e.id);
    if (!Array.isArray(e.phrases) || e.phrases.length === 0) problems.push(`${where}: no phrases`);
    for (const p of e.phrases ?? []) if (!/[\p{L}\p{N}]/u.test(p)) problems.push(`${where}: phrase "${p}" has no word`);
    if (!WORDING_CATEGORIES.has(e.category)) problems.push(`${where}: category ${e.category} is not a wording category`);
    if (!(e.weight > 0 && e.weight <= 4)) problems.push(`${where}: weight must be in (0, 4]`);
    if (e.subjectWeight !== undefined && !(e.subjectWeight > 0 && e.subjectWeight <= 5)) problems.push(`${where}: subjectWeight must be in (0, 5]`);
    if (!Array.isArray(e.replacements)) problems.push(`${where}: replacements must be an array`);
    if (typeof e.example !== 'string' || e.example.length < 10) problems.push(`${where}: example sentence missing`);
  }
  return problems;
}
