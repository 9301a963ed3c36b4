// What a mail client would show from an HTML body, found with htmlparser2's streaming
// callbacks (no DOM, so a 10 MB body costs linear time and little memory): visible text
// with offsets back into the source, hidden text, links with their visible text, images,
// and active content (script, forms, iframes).
import { Parser } from 'htmlparser2';
import { type Rgb, parseColor, sameColour } from './colors.ts';

export interface HtmlLink {
  href: string;
  text: string;
  offset: number;
  hasImage: boolean;
}

export interface HtmlAnalysis {
  text: string;
  /** maps offsets in `text` back to the HTML source */
  segments: { textStart: number; htmlStart: number }[];
  hiddenChars: number;
  hiddenSample: string;
  hiddenOffset: number;
  hiddenReason: string;
  links: HtmlLink[];
  images: { src: string; offset: number; width: number; height: number }[];
  scripts: number;
  scriptOffset: number;
  forms: number;
  embeds: number;
  embedOffset: number;
  truncated: boolean;
  /** comments with a letter on both sides: words split to dodge filters */
  inwordComments: number;
  inwordCommentOffset: number;
}

const MAX_TEXT = 300_000;
/** Only this much HTML is analysed; anything beyond is already flagged as HTML_LARGE. */
const MAX_HTML = 1024 * 1024;
const MAX_LINKS = 2000;
const MAX_DEPTH = 512;
const SKIP_TEXT = new Set(['script', 'style', 'head', 'title', 'template', 'xml']);
const BLOCK = new Set(['p', 'div', 'br', 'tr', 'td', 'th', 'li', 'ul', 'ol', 'table', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'blockquote', 'center', 'section', 'article', 'header', 'footer', 'pre', 'dd', 'dt']);
const INVISIBLE_CHARS = /[\s\u00a0\u200b-\u200f\u2028\u2029\u2060\u00ad\ufeff]|\u034f/g;

interface State {
  tag: string;
  hidden: string | undefined;
  color: Rgb | undefined;
  bg: Rgb;
  skip: boolean;
}

function parseStyle(style: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!style) return out;
  for (const decl of style.split(';')) {
    const i = decl.indexOf(':');
    if (i > 0) out.set(decl.slice(0, i).trim().toLowerCase(), decl.slice(i + 1).trim().toLowerCase());
  }
  return out;
}

function pxSize(v: string | undefined): number | undefined {
  if (!v) return undefined;
  const m = /^(\d*\.?\d+)\s*(px|pt|em|rem|%)?/.exec(v);
  if (!m) return undefined;
  const n = Number(m[1]);
  switch (m[2]) {
    case 'em':
    case 'rem':
      return n * 16;
    case '%':
      return (n / 100) * 16;
    case 'pt':
      return n * 1.33;
    default:
      return n;
  }
}

function hiddenBy(tag: string, attrs: Record<string, string>, style: Map<string, string>): string | undefined {
  if ('hidden' in attrs) return 'hidden attribute';
  const display = style.get('display');
  if (display?.startsWith('none')) return 'display:none';
  const vis = style.get('visibility');
  if (vis?.startsWith('hidden')) return 'visibility:hidden';
  if (style.get('opacity') !== undefined && Number.parseFloat(style.get('opacity')!) < 0.1) return 'opacity:0';
  const fs = pxSize(style.get('font-size'));
  if (fs !== undefined && fs < 3) return `font-size:${style.get('font-size')}`;
  if (style.get('mso-hide') === 'all') return 'mso-hide:all';
  const mh = pxSize(style.get('max-height') ?? style.get('height'));
  if (mh === 0 && style.get('overflow')?.startsWith('hidden')) return 'height:0;overflow:hidden';
  if (tag === 'font' && attrs.size !== undefined && /^\s*[-]?0/.test(attrs.size)) return 'font size=0';
  return undefined;
}

export function analyseHtml(html: string): HtmlAnalysis {
  const a: HtmlAnalysis = {
    text: '',
    segments: [],
    hiddenChars: 0,
    hiddenSample: '',
    hiddenOffset: -1,
    hiddenReason: '',
    links: [],
    images: [],
    scripts: 0,
    scriptOffset: -1,
    forms: 0,
    embeds: 0,
    embedOffset: -1,
    truncated: false,
    inwordComments: 0,
    inwordCommentOffset: -1,
  };
  const white: Rgb = [255, 255, 255];
  const stack: State[] = [{ tag: '#root', hidden: undefined, color: undefined, bg: white, skip: false }];
  const openLinks: { href: string; partIdx: number; offset: number; hasImage: boolean }[] = [];
  const parts: string[] = [];
  let textLen = 0;

  const append = (s: string, htmlStart: number) => {
    if (textLen >= MAX_TEXT) {
      a.truncated = true;
      return;
    }
    a.segments.push({ textStart: textLen, htmlStart });
    parts.push(s);
    textLen += s.length;
  };

  const parser = new Parser(
    {
      onopentag(name, attrs) {
        const top = stack[stack.length - 1];
        const style = parseStyle(attrs.style);
        let hidden = top.hidden ?? hiddenBy(name, attrs, style);
        const bg = parseColor(attrs.bgcolor) ?? parseColor(style.get('background-color')) ?? parseColor(style.get('background')?.split(' ')[0]) ?? top.bg;
        const color = parseColor(name === 'font' ? attrs.color : undefined) ?? parseColor(style.get('color')) ?? top.color;
        if (!hidden && color && sameColour(color, bg)) hidden = 'text colour equals background';
        if (stack.length < MAX_DEPTH) stack.push({ tag: name, hidden, color, bg, skip: top.skip || SKIP_TEXT.has(name) });
        if (BLOCK.has(name)) append('\n', parser.startIndex);
        switch (name) {
          case 'a':
          case 'area':
            if (attrs.href !== undefined && a.links.length + openLinks.length < MAX_LINKS) {
              if (name === 'area') a.links.push({ href: attrs.href, text: attrs.alt ?? '', offset: parser.startIndex, hasImage: false });
              else openLinks.push({ href: attrs.href, partIdx: parts.length, offset: parser.startIndex, hasImage: false });
            }
            break;
          case 'img':
            if (a.images.length < MAX_LINKS) {
              a.images.push({ src: attrs.src ?? '', offset: parser.startIndex, width: Number.parseInt(attrs.width ?? '', 10) || 0, height: Number.parseInt(attrs.height ?? '', 10) || 0 });
            }
            for (const l of openLinks) l.hasImage = true;
            break;
          case 'script':
            a.scripts++;
            if (a.scriptOffset < 0) a.scriptOffset = parser.startIndex;
            break;
          case 'form':
            a.forms++;
            break;
          case 'iframe':
          case 'object':
          case 'embed':
          case 'applet':
            a.embeds++;
            if (a.embedOffset < 0) a.embedOffset = parser.startIndex;
            break;
        }
        // on* handlers and javascript: URLs are scripts too
        for (const k in attrs) {
          if ((k.startsWith('on') && k.length > 2) || (k === 'href' && /^\s*javascript:/i.test(attrs[k]))) {
            a.scripts++;
            if (a.scriptOffset < 0) a.scriptOffset = parser.startIndex;
            break;
          }
        }
      },
      onclosetag(name) {
        for (let i = stack.length - 1; i > 0; i--) {
          if (stack[i].tag === name) {
            stack.length = i;
            break;
          }
        }
        if (name === 'a') {
          const l = openLinks.pop();
          if (l) {
            const text = parts.slice(l.partIdx).join('').trim();
            a.links.push({ href: l.href, text: text.slice(0, 300), offset: l.offset, hasImage: l.hasImage });
          }
        }
        if (BLOCK.has(name)) append('\n', parser.startIndex);
      },
      // "Vi<!-- x -->agra": a comment between two letters splits a word for filters only
      oncomment() {
        const before = html.charCodeAt(parser.startIndex - 1);
        const after = html.charCodeAt(parser.endIndex + 1);
        if (isAsciiLetter(before) && isAsciiLetter(after)) {
          if (a.inwordCommentOffset < 0) a.inwordCommentOffset = parser.startIndex;
          a.inwordComments++;
        }
      },
      ontext(data) {
        const top = stack[stack.length - 1];
        if (top.skip) return;
        if (top.hidden) {
          const visible = data.replace(INVISIBLE_CHARS, '');
          if (visible.length > 0) {
            if (a.hiddenOffset < 0) {
              a.hiddenOffset = parser.startIndex;
              a.hiddenReason = top.hidden;
            }
            a.hiddenChars += visible.length;
            if (a.hiddenSample.length < 120) a.hiddenSample += `${data.trim()} `;
          }
          return;
        }
        append(data.replace(/[\u200b-\u200d\u2060\u00ad\ufeff]/g, ''), parser.startIndex);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  if (html.length > MAX_HTML) a.truncated = true;
  parser.end(html.length > MAX_HTML ? html.slice(0, MAX_HTML) : html);
  // joining once at the end keeps long bodies linear
  a.text = parts.join('');
  a.hiddenSample = a.hiddenSample.trim().slice(0, 120);
  return a;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Maps an offset in the visible text back to the HTML source. */
export function htmlOffset(a: HtmlAnalysis, textOffset: number): number {
  const segs = a.segments;
  let lo = 0;
  let hi = segs.length - 1;
  if (hi < 0) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (segs[mid].textStart <= textOffset) lo = mid;
    else hi = mid - 1;
  }
  return segs[lo].htmlStart + (textOffset - segs[lo].textStart);
}
