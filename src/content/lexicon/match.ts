// Finds lexicon phrases in tokenised text. Patterns are indexed by their first exact word,
// so the cost is one map lookup per token plus a short list of wildcard patterns.
import { type Token, phraseTokens } from '../tokens.ts';
import type { LexiconEntry } from './schema.ts';

interface Word {
  kind: 0 | 1 | 2 | 3; // exact, prefix (w*), suffix (*w), infix (*w*)
  core: string;
}

interface Pattern {
  entry: LexiconEntry;
  words: Word[];
}

function compileWord(w: string): Word {
  const pre = w.startsWith('*');
  const post = w.endsWith('*');
  const core = w.slice(pre ? 1 : 0, post ? -1 : undefined);
  return { kind: pre && post ? 3 : pre ? 2 : post ? 1 : 0, core };
}

export interface CompiledLexicon {
  byFirst: Map<string, Pattern[]>;
  wildFirst: Pattern[];
}

export interface PhraseMatch {
  entry: LexiconEntry;
  start: number;
  end: number;
}

export function compileLexicon(entries: LexiconEntry[]): CompiledLexicon {
  const byFirst = new Map<string, Pattern[]>();
  const wildFirst: Pattern[] = [];
  for (const entry of entries) {
    for (const phrase of entry.phrases) {
      const words = phraseTokens(phrase).map(compileWord);
      if (words.length === 0) continue;
      const p = { entry, words };
      if (words[0].kind !== 0) wildFirst.push(p);
      else {
        const list = byFirst.get(words[0].core);
        if (list) list.push(p);
        else byFirst.set(words[0].core, [p]);
      }
    }
  }
  return { byFirst, wildFirst };
}

function wordMatches(p: Word, word: string): boolean {
  switch (p.kind) {
    case 0:
      return p.core === word;
    case 1:
      return word.startsWith(p.core);
    case 2:
      return word.endsWith(p.core);
    default:
      return word.includes(p.core);
  }
}

/** Words of a phrase must follow each other with only spaces, hyphens or commas between. */
const JOINER = /^[\s\u00a0\-–—,:'’"“”„«»*_/]{0,6}$/;

function sequenceAt(p: Pattern, tokens: Token[], i: number, text: string): number {
  let k = i;
  for (let w = 0; w < p.words.length; w++, k++) {
    const tok = tokens[k];
    if (!tok || !wordMatches(p.words[w], tok.t)) return -1;
    if (w > 0 && !JOINER.test(text.slice(tokens[k - 1].end, tok.start))) return -1;
  }
  return k - 1;
}

function isInfix(p: Pattern): boolean {
  return p.words.length === 1 && p.words[0].kind === 3;
}

/** For a one-word infix pattern: just the matched part of the token, not the whole token. */
function infixSpan(p: Pattern, tok: Token, text: string): PhraseMatch | undefined {
  if (!isInfix(p) || tok.end - tok.start !== tok.t.length) return undefined;
  const k = tok.t.indexOf(p.words[0].core);
  if (k < 0) return undefined;
  return { entry: p.entry, start: tok.start + k, end: tok.start + k + p.words[0].core.length };
}

/** All matches, longest phrase first at each position; several infix phrases may share a token. */
export function findPhrases(lex: CompiledLexicon, tokens: Token[], text: string): PhraseMatch[] {
  const out: PhraseMatch[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const cands = lex.byFirst.get(tokens[i].t);
    let best: { p: Pattern; last: number } | undefined;
    if (cands) {
      for (const p of cands) {
        const last = sequenceAt(p, tokens, i, text);
        if (last >= 0 && (!best || last > best.last)) best = { p, last };
      }
    }
    for (const p of lex.wildFirst) {
      const last = sequenceAt(p, tokens, i, text);
      if (last >= 0 && (!best || last > best.last)) best = { p, last };
    }
    if (best) {
      out.push(infixSpan(best.p, tokens[i], text) ?? { entry: best.p.entry, start: tokens[i].start, end: tokens[best.last].end });
      // a run of Chinese or Japanese text is one token holding a whole sentence: every other
      // infix phrase inside it is a match of its own
      if (best.last === i && isInfix(best.p)) {
        for (const q of lex.wildFirst) {
          if (q.entry !== best.p.entry && isInfix(q) && wordMatches(q.words[0], tokens[i].t)) out.push(infixSpan(q, tokens[i], text) ?? { entry: q.entry, start: tokens[i].start, end: tokens[i].end });
        }
      }
      i = best.last;
    }
  }
  return out;
}
