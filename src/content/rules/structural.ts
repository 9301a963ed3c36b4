// Structural rules: how the message is built rather than which words it uses. Each rule is
// a small function over the prepared context that returns findings; points live in
// catalog.ts and texts in i18n/, so this file holds only the detection logic.
import type { HtmlAnalysis } from '../html.ts';
import { domainInText, registrableDomain, URL_SHORTENERS, urlInfo } from '../links.ts';
import type { Token } from '../tokens.ts';
import type { Message, Part } from '../types.ts';
import type { RuleId } from './catalog.ts';

export interface Finding {
  rule: RuleId;
  part: Part;
  offset: number;
  matched: string;
  n?: number;
  detail?: string;
  /** overrides the catalog points (graded rules) */
  points?: number;
}

export interface LinkRef {
  href: string;
  text: string;
  part: 'html' | 'text';
  offset: number;
  hasImage: boolean;
}

export interface RuleContext {
  msg: Message;
  html: HtmlAnalysis | undefined;
  /** the text a reader sees: visible HTML text, else the plain-text part */
  body: string;
  bodyPart: 'html' | 'text';
  bodyTokens: Token[];
  textTokens: Token[] | undefined;
  links: LinkRef[];
}

const LARGE_MESSAGE = 10 * 1024 * 1024;
const GMAIL_CLIP = 102 * 1024;
const UNSUB = /unsubscri|opt[ -]?out|afmeld|uitschrij|abmeld|austragen|abbestell|desinscri|desabonn|newsletter-preferences|manage (your )?preferences|voorkeuren|einstellungen verwalten|preferences d/i;

function capsShare(text: string, limit = 200_000): { letters: number; upper: number } {
  let letters = 0;
  let upper = 0;
  const n = Math.min(text.length, limit);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      letters++;
      upper++;
    } else if (c >= 97 && c <= 122) letters++;
    else if (c > 191) {
      const ch = text[i];
      const lo = ch.toLowerCase();
      const up = ch.toUpperCase();
      if (lo !== up) {
        letters++;
        if (ch === up) upper++;
      }
    }
  }
  return { letters, upper };
}

// Cyrillic and Greek letters that look like Latin ones (homoglyphs)
const LOOKALIKES = new Set([...'аеорсухіјѕԁһԛԝӏАВЕКМНОРСТХІЈЅοανικρτυΑΒΕΖΗΙΚΜΝΟΡΤΥΧ']);
const LATIN = /[a-z]/i;

/**
 * "pаypal" with a Cyrillic "а": a Latin word with Cyrillic or Greek look-alikes inside.
 * Every non-Latin letter must be a look-alike, so mis-decoded text ("bisonпїЅone") and
 * real mixed-language text do not count.
 */
function mixedScriptWord(text: string, tokens: Token[]): Token | undefined {
  const n = Math.min(tokens.length, 50_000);
  for (let i = 0; i < n; i++) {
    const tok = tokens[i];
    if (tok.end - tok.start < 3) continue;
    let ascii = true;
    for (let k = tok.start; k < tok.end; k++) {
      if (text.charCodeAt(k) > 127) {
        ascii = false;
        break;
      }
    }
    if (ascii) continue;
    const w = text.slice(tok.start, tok.end);
    let latin = 0;
    let look = 0;
    let other = 0;
    for (const ch of w) {
      if (LATIN.test(ch)) latin++;
      else if (LOOKALIKES.has(ch)) look++;
      else if (ch.charCodeAt(0) > 0x24f) other++;
    }
    if (look > 0 && other === 0 && latin >= 2) return tok;
  }
  return undefined;
}

function subjectRules(ctx: RuleContext, out: Finding[]): void {
  const s = ctx.msg.subject;
  if (s === undefined || s.trim() === '') {
    if (s !== undefined || ctx.msg.fullHeaders) out.push({ rule: 'SUBJ_MISSING', part: 'subject', offset: -1, matched: '' });
    return;
  }
  const { letters, upper } = capsShare(s);
  if (letters >= 8 && upper / letters >= 0.9) out.push({ rule: 'SUBJ_ALL_CAPS', part: 'subject', offset: 0, matched: s.slice(0, 80) });
  const bangs = /!{2,}/.exec(s) ?? ((s.match(/!/g)?.length ?? 0) >= 3 ? /!/.exec(s) : null);
  if (bangs) out.push({ rule: 'SUBJ_EXCLAIM', part: 'subject', offset: bangs.index, matched: bangs[0] });
  const money = /[$€£]\s*[$€£]+/.exec(s);
  if (money) out.push({ rule: 'SUBJ_MONEY_SIGNS', part: 'subject', offset: money.index, matched: money[0] });
  const deco = /^\s*([*~#=+^_<>|]{2,}|[*~#=+^_<>|!]{3,})|([*~#=+^_<>|]{2,}|[*~#=+^_<>|!]{4,})\s*$|\*{3,}/.exec(s);
  if (deco) out.push({ rule: 'SUBJ_DECORATED', part: 'subject', offset: deco.index, matched: deco[0].trim() });
  // filter-busting suffixes: "Great offer        4821" or "Hello qwof" style codes mixing letters and digits
  const padded = /\S\s{4,}(\S+)\s*$/.exec(s);
  const code = /[\s([]([a-z0-9]*[a-z][0-9]+[a-z][a-z0-9-]*|[0-9]+[a-z]+[0-9][a-z0-9-]*)[)\]]?\s*$/i.exec(s);
  const id = padded ?? (code && code[1].length >= 5 ? code : null);
  if (id) out.push({ rule: 'SUBJ_TRAILING_ID', part: 'subject', offset: id.index + 1, matched: id[1] });
}

function bodyRules(ctx: RuleContext, out: Finding[]): void {
  const body = ctx.body;
  const { letters, upper } = capsShare(body);
  if (letters >= 150) {
    const share = upper / letters;
    if (share >= 0.75) out.push({ rule: 'BODY_CAPS_75', part: ctx.bodyPart, offset: -1, matched: `${Math.round(share * 100)}%` });
    else if (share >= 0.5) out.push({ rule: 'BODY_CAPS_50', part: ctx.bodyPart, offset: -1, matched: `${Math.round(share * 100)}%` });
  }
  let capsWords = 0;
  let longWords = 0;
  for (const t of ctx.bodyTokens.length > 20_000 ? ctx.bodyTokens.slice(0, 20_000) : ctx.bodyTokens) {
    if (t.end - t.start < 3 || /\d/.test(t.t)) continue;
    longWords++;
    const w = body.slice(t.start, t.end);
    if (w === w.toUpperCase() && w !== t.t) capsWords++;
  }
  if (capsWords >= 8 && capsWords / longWords >= 0.15 && !out.some((f) => f.rule.startsWith('BODY_CAPS'))) {
    out.push({ rule: 'BODY_CAPS_WORDS', part: ctx.bodyPart, offset: -1, matched: '', n: Math.round((capsWords / longWords) * 100) });
  }
  const run = /!{3,}/.exec(body);
  const bangCount = body.length < 2_000_000 ? (body.match(/!/g)?.length ?? 0) : 0;
  if (run || bangCount >= Math.max(10, ctx.bodyTokens.length / 25)) {
    out.push({ rule: 'BODY_EXCLAIM', part: ctx.bodyPart, offset: run ? run.index : -1, matched: run ? run[0] : `${bangCount}×!` });
  }
  const money = /[$€£]\s*[$€£]\s*[$€£]/.exec(body);
  if (money) out.push({ rule: 'BODY_MONEY_SIGNS', part: ctx.bodyPart, offset: money.index, matched: money[0] });
  // "$25,000,000", "€ 1.500.000", "US$ 10 million": promises of big sums
  const big = /(?:[$€£]|US\$|USD|EUR)\s?\d{1,3}(?:[,.]\d{3}){2,}|(?:[$€£]|US\$)\s?\d+(?:[.,]\d+)?\s?(?:million|millionen|miljoen|millions|billion|milliarden?|miljard)/i.exec(body.length > 500_000 ? body.slice(0, 500_000) : body);
  if (big) out.push({ rule: 'BODY_BIG_MONEY', part: ctx.bodyPart, offset: big.index, matched: big[0] });
  // "F R E E", "V-I-A-G-R-A", "c.a.s.h": single letters joined by one separator
  const sample = body.length > 200_000 ? body.slice(0, 200_000) : body;
  const spelled = /(?<![\p{L}\p{N}])\p{L}([ .\-_*|])\p{L}(?:\1\p{L}){3,}(?![\p{L}\p{N}])/u.exec(sample) ?? (ctx.msg.subject ? /(?<![\p{L}\p{N}])\p{L}([ .\-_*|])\p{L}(?:\1\p{L}){2,}(?![\p{L}\p{N}])/u.exec(ctx.msg.subject) : null);
  if (spelled) out.push({ rule: 'OBFUSCATED_WORD', part: spelled.input === sample ? ctx.bodyPart : 'subject', offset: spelled.index, matched: spelled[0] });
  const mixed = mixedScriptWord(body, ctx.bodyTokens);
  if (mixed) out.push({ rule: 'MIXED_SCRIPT_WORD', part: ctx.bodyPart, offset: mixed.start, matched: body.slice(mixed.start, mixed.end) });
  const words = ctx.bodyTokens.length + (ctx.textTokens && ctx.bodyPart === 'html' ? ctx.textTokens.length : 0);
  if (words < 3 && ctx.msg.attachments.length === 0) out.push({ rule: 'EMPTY_MESSAGE', part: 'message', offset: -1, matched: '' });
}

function htmlRules(ctx: RuleContext, out: Finding[]): void {
  const h = ctx.html;
  if (!h || ctx.msg.html === undefined) return;
  const text = ctx.msg.text;
  if (text === undefined || text.trim() === '') out.push({ rule: 'MIME_HTML_ONLY', part: 'html', offset: -1, matched: '' });
  else if (ctx.textTokens) {
    const htmlWords = new Set(ctx.bodyTokens.slice(0, 3000).filter((t) => t.t.length >= 3).map((t) => t.t));
    const textWords = new Set(ctx.textTokens.slice(0, 5000).map((t) => t.t));
    if (htmlWords.size >= 20) {
      let shared = 0;
      for (const w of htmlWords) if (textWords.has(w)) shared++;
      if (shared / htmlWords.size < 0.5) out.push({ rule: 'MPART_ALT_DIFF', part: 'text', offset: -1, matched: `${Math.round((shared / htmlWords.size) * 100)}%` });
    }
  }
  const images = h.images.filter((i) => !(i.width > 0 && i.width <= 2) && !(i.height > 0 && i.height <= 2));
  const words = ctx.bodyTokens.length;
  if (images.length > 0 && words < 30) {
    out.push({ rule: 'HTML_IMAGE_ONLY', part: 'html', offset: images[0].offset, matched: images[0].src.slice(0, 100), n: words, points: words < 10 ? 2.3 : 1.6 });
  } else if (images.length >= 3 && words / images.length < 20) {
    out.push({ rule: 'HTML_IMAGE_RATIO', part: 'html', offset: images[0].offset, matched: images[0].src.slice(0, 100), n: images.length });
  }
  const sameColour = h.hiddenReason === 'text colour equals background';
  if (h.hiddenChars >= 200 || (sameColour && h.hiddenChars >= 30)) {
    out.push({ rule: 'HTML_HIDDEN_TEXT', part: 'html', offset: h.hiddenOffset, matched: h.hiddenSample, detail: `${h.hiddenReason}, ${h.hiddenChars}` });
  }
  if (h.inwordComments > 0) out.push({ rule: 'HTML_COMMENT_SPLIT', part: 'html', offset: h.inwordCommentOffset, matched: '<!-- -->', n: h.inwordComments });
  if (h.scripts > 0) out.push({ rule: 'HTML_SCRIPT', part: 'html', offset: h.scriptOffset, matched: '<script>' });
  if (h.forms > 0) out.push({ rule: 'HTML_FORM', part: 'html', offset: -1, matched: '<form>' });
  if (h.embeds > 0) out.push({ rule: 'HTML_EMBED', part: 'html', offset: h.embedOffset, matched: '<iframe>' });
  const bytes = Buffer.byteLength(ctx.msg.html);
  if (bytes > GMAIL_CLIP) out.push({ rule: 'HTML_LARGE', part: 'html', offset: -1, matched: '', n: Math.round(bytes / 1024) });
}

function linkRules(ctx: RuleContext, out: Finding[]): void {
  const seen = new Set<string>();
  const once = (f: Finding) => {
    if (seen.has(f.rule)) return;
    seen.add(f.rule);
    out.push(f);
  };
  for (const l of ctx.links) {
    const info = urlInfo(l.href);
    if (!info) continue;
    if (info.obfuscatedHost) once({ rule: 'URL_OBFUSCATED', part: l.part, offset: l.offset, matched: l.href.slice(0, 120) });
    if (info.ip) once({ rule: 'URL_RAW_IP', part: l.part, offset: l.offset, matched: l.href.slice(0, 120) });
    if (info.userinfo) once({ rule: 'URL_USERINFO', part: l.part, offset: l.offset, matched: l.href.slice(0, 120) });
    if (URL_SHORTENERS.has(info.host) || URL_SHORTENERS.has(registrableDomain(info.host))) {
      once({ rule: 'URL_SHORTENER', part: l.part, offset: l.offset, matched: info.host });
    }
    if (l.part === 'html' && l.text) {
      const shown = domainInText(l.text);
      if (shown && !info.ip && registrableDomain(shown) !== registrableDomain(info.host)) {
        once({ rule: 'LINK_TEXT_MISMATCH', part: 'html', offset: l.offset, matched: l.text.slice(0, 100), detail: info.host });
      }
    }
  }
  const n = ctx.links.length;
  if (n > 60 || (n >= 20 && ctx.bodyTokens.length / n < 8)) out.push({ rule: 'URL_MANY', part: ctx.bodyPart, offset: -1, matched: '', n });
}

function complianceRules(ctx: RuleContext, out: Finding[]): void {
  // stream unknown (API check without a stream): an HTML message is most likely marketing,
  // and one that offers no way out at all is what bulk spam looks like
  if (ctx.msg.stream === undefined && ctx.html && ctx.links.length > 0) {
    const way = ctx.links.some((l) => UNSUB.test(l.text) || UNSUB.test(l.href)) || UNSUB.test(ctx.body.length > 300_000 ? ctx.body.slice(-300_000) : ctx.body) || (ctx.msg.text !== undefined && UNSUB.test(ctx.msg.text.slice(-300_000)));
    if (!way && !ctx.msg.headers.has('list-unsubscribe')) out.push({ rule: 'HTML_NO_UNSUB', part: 'html', offset: -1, matched: '' });
  }
  if (ctx.msg.stream !== 'marketing') return;
  const hasLink = ctx.links.some((l) => UNSUB.test(l.text) || UNSUB.test(l.href));
  if (!hasLink) out.push({ rule: 'UNSUB_LINK_MISSING', part: ctx.bodyPart, offset: -1, matched: '' });
  if (!ctx.msg.headers.has('list-unsubscribe')) out.push({ rule: 'LIST_UNSUB_MISSING', part: 'headers', offset: -1, matched: '' });
}

function addressDomain(addr: string | undefined): string | undefined {
  if (!addr) return undefined;
  const m = /<([^<>]+)>\s*$/.exec(addr) ?? /([^\s<>"]+@[^\s<>"]+)\s*$/.exec(addr);
  const a = m ? m[1] : addr;
  const at = a.lastIndexOf('@');
  return at < 0 ? undefined : a.slice(at + 1).toLowerCase().replace(/[>\s]+$/, '');
}

function headerRules(ctx: RuleContext, out: Finding[]): void {
  const m = ctx.msg;
  const fromDomain = addressDomain(m.from);
  const replyDomain = addressDomain(m.replyTo);
  if (fromDomain && replyDomain && registrableDomain(fromDomain) !== registrableDomain(replyDomain)) {
    out.push({ rule: 'FROM_REPLYTO_DIFF', part: 'headers', offset: -1, matched: m.replyTo ?? '', detail: replyDomain });
  }
  if (m.from) {
    const lt = m.from.lastIndexOf('<');
    const display = lt > 0 ? m.from.slice(0, lt) : '';
    const inName = /[\w.+-]+@([\w-]+(?:\.[\w-]+)+)/.exec(display);
    if (inName && fromDomain && registrableDomain(inName[1].toLowerCase()) !== registrableDomain(fromDomain)) {
      out.push({ rule: 'FROM_DISPLAY_ADDR', part: 'headers', offset: -1, matched: inName[0] });
    }
  }
  if (m.fullHeaders) {
    if (!m.headers.has('from')) out.push({ rule: 'MISSING_FROM', part: 'headers', offset: -1, matched: '' });
    if (!m.headers.has('date')) out.push({ rule: 'MISSING_DATE', part: 'headers', offset: -1, matched: '' });
    if (!m.headers.has('message-id')) out.push({ rule: 'MISSING_MID', part: 'headers', offset: -1, matched: '' });
  }
  formatRules(m, fromDomain, out);
  // the recipient's address as greeting or in the subject ("Dear jan@example.nl")
  const to = m.headers.get('to');
  if (to) {
    const addrs = to.match(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g) ?? [];
    for (const addr of addrs.slice(0, 5)) {
      const a = addr.toLowerCase();
      const inSubject = (m.subject ?? '').toLowerCase().includes(a);
      // a greeting that is the address: "jan@example.nl," / "Dear jan@example.nl"
      const opening = ctx.body.trimStart().slice(0, 120).toLowerCase();
      const greeted = opening.startsWith(a) || /^[\p{L}]{2,10}[ ,]+$/u.test(opening.slice(0, Math.max(0, opening.indexOf(a))));
      if (inSubject || (opening.includes(a) && greeted)) {
        out.push({ rule: 'RCPT_ADDR_SHOWN', part: inSubject ? 'subject' : ctx.bodyPart, offset: -1, matched: a });
        break;
      }
    }
  }
  const prio = m.headers.get('x-priority') ?? m.headers.get('x-msmail-priority') ?? m.headers.get('importance') ?? m.headers.get('priority');
  if (prio && /^\s*(1|2)\b|high|urgent/i.test(prio)) out.push({ rule: 'PRIORITY_HIGH', part: 'headers', offset: -1, matched: prio.slice(0, 40) });
  for (const issue of m.mimeIssues) {
    const n = Number(issue.detail);
    out.push({ rule: issue.rule as RuleId, part: 'message', offset: -1, matched: '', detail: issue.detail, n: Number.isFinite(n) ? n : undefined });
  }
  const size = m.rawBytes || m.attachments.reduce((s, a) => s + a.size, 0) + (m.html?.length ?? 0) + (m.text?.length ?? 0);
  if (size > LARGE_MESSAGE) out.push({ rule: 'MESSAGE_LARGE', part: 'message', offset: -1, matched: '', n: Math.round(size / 1024 / 102.4) / 10 });
}

// RFC 5322 date-time: [day-of-week ","] day month year time zone, with the obsolete zone
// names and an optional trailing comment ("(PDT)"). Mail libraries always write this form;
// bulk tools that assemble headers by hand often do not.
const RFC_DATE = /^\s*(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\s*,?\s*)?\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[+-]\d{4}|ut|gmt|utc|[ecmp][sd]t|[a-ik-z])\b/i;
const MSG_ID = /^<[^<>@\s]+@[^<>@\s]+>/;
// Outlook Express and Outlook 97-2003 ("Microsoft Outlook IMO, Build 9.0...", "Microsoft
// Outlook, Build 10.0...") always wrote X-MimeOLE beside X-Mailer; the Mac edition did not,
// and neither do current versions ("Microsoft Outlook 16.0"), so those are not matched.
// Bulk tools copy the X-Mailer line alone.
const OUTLOOK_MAILER = /outlook express|microsoft outlook,? (?:imo|cws|build|[89]\.|1[01]\.)/i;

/** Headers a mail library writes in a fixed shape; hand-assembled ones betray bulk tools. */
function formatRules(m: Message, fromDomain: string | undefined, out: Finding[]): void {
  const mid = m.headers.get('message-id');
  if (mid !== undefined && mid.trim() !== '' && !MSG_ID.test(mid.trim())) out.push({ rule: 'MSGID_MALFORMED', part: 'headers', offset: -1, matched: mid.slice(0, 80) });
  const date = m.headers.get('date');
  if (date !== undefined && date.trim() !== '' && !RFC_DATE.test(date)) out.push({ rule: 'DATE_MALFORMED', part: 'headers', offset: -1, matched: date.slice(0, 80) });
  const to = m.headers.get('to');
  if (to !== undefined && (!to.includes('@') || /undisclosed|recipient list (not )?(shown|suppressed)/i.test(to))) {
    out.push({ rule: 'TO_NO_ADDRESS', part: 'headers', offset: -1, matched: to.slice(0, 80) });
  }
  const mailer = m.headers.get('x-mailer');
  if (mailer && OUTLOOK_MAILER.test(mailer) && !/macintosh|\bmac\b/i.test(mailer) && !m.headers.has('x-mimeole')) {
    out.push({ rule: 'XMAILER_FORGED', part: 'headers', offset: -1, matched: mailer.slice(0, 80) });
  }
  // "jsmith4821@...": generated sender addresses end in a run of digits after letters
  if (m.from && fromDomain) {
    const addr = /<([^<>]+)>\s*$/.exec(m.from)?.[1] ?? /([^\s<>"]+@[^\s<>"]+)\s*$/.exec(m.from)?.[1];
    const local = addr ? addr.slice(0, addr.lastIndexOf('@')) : '';
    if (/[a-z]\d{3,}$/i.test(local)) out.push({ rule: 'FROM_NUMBERED', part: 'headers', offset: -1, matched: addr ?? '' });
  }
  // a sender name in capitals ("BEST DEALS <...>") shouts before the subject is read
  const name = m.from ? /^\s*"?([^"<]*?)"?\s*</.exec(m.from)?.[1] : undefined;
  if (name) {
    const { letters, upper } = capsShare(name);
    if (letters >= 5 && upper === letters) out.push({ rule: 'FROM_NAME_CAPS', part: 'headers', offset: -1, matched: name.slice(0, 60) });
  }
}

export function structuralFindings(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  subjectRules(ctx, out);
  bodyRules(ctx, out);
  htmlRules(ctx, out);
  linkRules(ctx, out);
  complianceRules(ctx, out);
  headerRules(ctx, out);
  return out;
}
