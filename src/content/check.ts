// checkContent: one message in, one scored and explained report out. The pipeline is
// parse → visible text → language → wording (lexicon) + structure (rules/) → optional
// blocklist lookups → points, rating and advice in the message's language.
import { RelaisError } from '../core/errors.ts';
import { lookupDomains, DEFAULT_BLOCKLISTS } from './dnsbl.ts';
import { analyseHtml, type HtmlAnalysis, htmlOffset } from './html.ts';
import { fill, TEXTS } from './i18n/index.ts';
import { detectLanguage } from './language.ts';
import { compiledLexicon, extraLexiconsFor } from './lexicon/index.ts';
import { type CompiledLexicon, findPhrases } from './lexicon/match.ts';
import type { LexiconEntry } from './lexicon/schema.ts';
import { registrableDomain, urlInfo, urlsInText } from './links.ts';
import { parseRawMessage } from './mime.ts';
import { checkAttachments } from './rules/attachments.ts';
import { RULES, type RuleId } from './rules/catalog.ts';
import { type Finding, type LinkRef, type RuleContext, structuralFindings } from './rules/structural.ts';
import { tokenize } from './tokens.ts';
import type { Category, ContentCheckOptions, ContentInput, ContentReport, Hit, Lang, Message, Part, PartsContentInput } from './types.ts';

export const DEFAULT_THRESHOLD = 5.0;
const DEFAULT_MAX_RAW = 40 * 1024 * 1024;
/** A category of wording can add at most this much: long texts should not stack one theme. */
const CATEGORY_CAP = 3.5;
const WORDING = new Set<Category>(['money', 'free', 'urgency', 'overpromise', 'phishing', 'spam_phrase', 'call_to_action', 'health']);

function partsMessage(p: PartsContentInput, stream: ContentCheckOptions['stream']): Message {
  const headers = new Map<string, string>();
  for (const [k, v] of Object.entries(p.headers ?? {})) headers.set(k.toLowerCase(), v);
  return {
    subject: p.subject,
    text: p.text,
    html: p.html,
    from: p.from ?? headers.get('from'),
    replyTo: p.replyTo ?? headers.get('reply-to'),
    headers,
    fullHeaders: false,
    attachments: p.attachments ?? [],
    stream: stream ?? p.stream,
    rawBytes: 0,
    mimeIssues: [],
  };
}

interface WordingHit {
  entry: LexiconEntry;
  part: Part;
  offset: number;
  matched: string;
  shouted: boolean;
}

function scanWording(lang: Lang, text: string, tokens: ReturnType<typeof tokenize>, part: Part, toOffset: (o: number) => number, out: WordingHit[], seen: Set<string>): void {
  // the report language's lexicon, then Chinese/Japanese/Korean/Turkish wording, which
  // has no report texts of its own but is spam whatever language the report is in
  for (const lex of [compiledLexicon(lang), ...extraLexiconsFor(text)]) scanWith(lex, text, tokens, part, toOffset, out, seen);
}

function scanWith(lex: CompiledLexicon, text: string, tokens: ReturnType<typeof tokenize>, part: Part, toOffset: (o: number) => number, out: WordingHit[], seen: Set<string>): void {
  for (const m of findPhrases(lex, tokens, text)) {
    const key = `${part === 'subject' ? 's' : 'b'}:${m.entry.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const matched = text.slice(m.start, m.end);
    const letters = matched.replace(/[^\p{L}]/gu, '');
    const shouted = (letters.length >= 4 && letters === letters.toUpperCase() && letters !== letters.toLowerCase()) || text.startsWith('!', m.end);
    out.push({ entry: m.entry, part, offset: toOffset(m.start), matched, shouted });
  }
}

function round(n: number, d = 1): number {
  const f = 10 ** d;
  return Math.round(n * f) / f;
}

export async function checkContent(input: ContentInput, options: ContentCheckOptions = {}): Promise<ContentReport> {
  const started = performance.now();
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const maxRaw = options.maxRawBytes ?? DEFAULT_MAX_RAW;
  let msg: Message;
  if ('raw' in input && input.raw !== undefined) {
    const size = typeof input.raw === 'string' ? input.raw.length : input.raw.length;
    if (size > maxRaw) throw new RelaisError('content_too_large', `message is ${Math.round(size / 1024 / 1024)} MB; the content check accepts up to ${Math.round(maxRaw / 1024 / 1024)} MB`, 413);
    msg = await parseRawMessage(input.raw, options.stream ?? input.stream);
  } else {
    const p = input as PartsContentInput;
    const size = (p.html?.length ?? 0) + (p.text?.length ?? 0);
    if (size > maxRaw) throw new RelaisError('content_too_large', `message body is ${Math.round(size / 1024 / 1024)} MB; the content check accepts up to ${Math.round(maxRaw / 1024 / 1024)} MB`, 413);
    msg = partsMessage(p, options.stream);
  }

  const html: HtmlAnalysis | undefined = msg.html !== undefined && msg.html.trim() !== '' ? analyseHtml(msg.html) : undefined;
  const text = msg.text !== undefined && msg.text.length > 1_000_000 ? msg.text.slice(0, 1_000_000) : msg.text;
  const body = html ? html.text : (text ?? '');
  const bodyPart: 'html' | 'text' = html ? 'html' : 'text';
  const bodyTokens = tokenize(body);
  const textTokens = html && text ? tokenize(text) : undefined;
  const subject = msg.subject ?? '';
  const subjectTokens = tokenize(subject, 200);

  const guess = options.language ? { lang: options.language, confidence: 1 } : detectLanguage([...subjectTokens, ...bodyTokens, ...(bodyTokens.length < 20 && textTokens ? textTokens : [])]);
  const lang = guess.lang;
  const t = TEXTS[lang];

  // wording
  const wording: WordingHit[] = [];
  const seen = new Set<string>();
  scanWording(lang, subject, subjectTokens, 'subject', (o) => o, wording, seen);
  scanWording(lang, body, bodyTokens, bodyPart, html ? (o) => htmlOffset(html, o) : (o) => o, wording, seen);
  if (textTokens && text) scanWording(lang, text, textTokens, 'text', (o) => o, wording, seen);

  // links
  const links: LinkRef[] = [];
  if (html) for (const l of html.links) links.push({ href: l.href, text: l.text, part: 'html', offset: l.offset, hasImage: l.hasImage });
  if (text && (!html || textTokens)) for (const u of urlsInText(text)) links.push({ href: u.url, text: '', part: 'text', offset: u.offset, hasImage: false });

  const ctx: RuleContext = { msg, html, body, bodyPart, bodyTokens, textTokens, links };
  const findings: Finding[] = structuralFindings(ctx);
  for (const a of checkAttachments(msg.attachments)) findings.push({ rule: a.rule, part: 'attachments', offset: -1, matched: a.matched, detail: a.detail });
  const shouted = wording.find((w) => w.shouted);
  if (shouted) findings.push({ rule: 'TRIGGER_SHOUTED', part: shouted.part, offset: shouted.offset, matched: shouted.matched });

  // domain blocklists, only with an injected resolver
  const errors: string[] = [];
  if (options.dnsLookupA) {
    const domains = new Set<string>();
    for (const l of links) {
      const info = urlInfo(l.href);
      if (info && !info.ip) domains.add(registrableDomain(info.host));
    }
    const list = [...domains].slice(0, options.maxDomainLookups ?? 20);
    const r = await lookupDomains(list, options.dnsLookupA, options.blocklists ?? DEFAULT_BLOCKLISTS, options.dnsTimeoutMs ?? 2000);
    errors.push(...r.errors);
    const ruleFor: Record<string, RuleId> = { dbl: 'URIBL_DBL', surbl: 'URIBL_SURBL', uribl: 'URIBL_URIBL' };
    for (const f of r.listed) findings.push({ rule: ruleFor[f.zone.kind], part: 'message', offset: -1, matched: f.domain, detail: f.detail });
  }

  // points
  const hits: Hit[] = [];
  const catTotals = new Map<Category, number>();
  for (const w of wording) {
    const raw = w.part === 'subject' ? (w.entry.subjectWeight ?? w.entry.weight * 1.5) : w.entry.weight;
    const used = catTotals.get(w.entry.category) ?? 0;
    const points = Math.max(0, Math.min(raw, CATEGORY_CAP - used));
    catTotals.set(w.entry.category, used + points);
    hits.push({
      rule: w.entry.id,
      category: w.entry.category,
      points: round(points, 2),
      part: w.part,
      offset: w.offset,
      matched: w.matched,
      description: t.categories[w.entry.category] ?? '',
      replacements: w.entry.replacements,
    });
  }
  for (const f of findings) {
    const def = RULES[f.rule];
    const vars = { matched: t.quote(f.matched), n: f.n ?? '', detail: f.detail ?? '' };
    hits.push({
      rule: f.rule,
      category: def.category,
      points: f.points ?? def.points,
      part: f.part,
      offset: f.offset,
      matched: f.matched,
      description: fill(t.rules[f.rule].d, vars),
      replacements: [],
    });
  }
  hits.sort((a, b) => b.points - a.points);
  const score = round(hits.reduce((s, h) => s + h.points, 0), 2);

  // advice: one line per distinct fix, biggest first
  const advice: string[] = [];
  const adviceSeen = new Set<string>();
  for (const h of hits) {
    let line: string;
    if (WORDING.has(h.category)) {
      line = h.replacements.length > 0 ? fill(t.replace, { matched: t.quote(h.matched), replacements: h.replacements.map(t.quote).join(` ${t.or} `) }) : fill(t.remove, { matched: t.quote(h.matched) });
    } else {
      const f = findings.find((x) => x.rule === h.rule);
      line = fill(t.rules[h.rule as RuleId].a, { matched: t.quote(h.matched), n: f?.n ?? '', detail: f?.detail ?? '' });
    }
    if (!adviceSeen.has(line)) {
      adviceSeen.add(line);
      advice.push(line);
    }
  }

  return {
    score,
    threshold,
    rating: round(Math.max(0, Math.min(10, 10 - score))),
    verdict: score >= threshold ? 'likely_spam' : score >= threshold / 2 ? 'review' : 'ok',
    language: lang,
    languageConfidence: guess.confidence,
    hits,
    advice,
    errors,
    stats: {
      textChars: body.length,
      htmlBytes: msg.html?.length ?? 0,
      links: links.length,
      images: html?.images.length ?? 0,
      rawBytes: msg.rawBytes,
      elapsedMs: round(performance.now() - started, 2),
    },
  };
}
