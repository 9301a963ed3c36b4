// A fast path for well-formed MIME: header split, multipart walk, transfer and charset
// decoding with libmime/libqp (the libraries mailparser itself builds on), synchronously
// and without streams. It returns undefined for anything unusual (deep nesting, many parts,
// a multipart without boundary, uuencode, message/* wrappers...) so mailparser handles it:
// correctness comes from mailparser, speed from skipping it for the common case.
import libmime from 'libmime';
import charset from 'libmime/lib/charset.js';
import libqp from 'libqp';
import type { AttachmentInfo } from './types.ts';

export interface FastParsed {
  headerLines: { key: string; value: string }[];
  text: string | undefined;
  html: string | undefined;
  attachments: AttachmentInfo[];
}

const MAX_DEPTH = 6;
const MAX_PARTS = 60;

interface Ctx {
  parts: number;
  text: string | undefined;
  html: string | undefined;
  attachments: AttachmentInfo[];
}

/** Binary string (one char per byte) → header lines + body offset. */
function splitHeaders(bin: string, from: number): { lines: { key: string; value: string }[]; bodyStart: number } | undefined {
  let end = bin.indexOf('\n\n', from);
  let crlf = bin.indexOf('\r\n\r\n', from);
  if (crlf >= 0 && (end < 0 || crlf < end)) end = crlf + 2;
  const headEnd = end < 0 ? bin.length : end;
  const bodyStart = end < 0 ? bin.length : bin[end] === '\r' ? end + 2 : end + 2;
  crlf = -1;
  const lines: { key: string; value: string }[] = [];
  for (const raw of bin.slice(from, headEnd).split(/\r?\n/)) {
    if (raw === '') continue;
    if (raw[0] === ' ' || raw[0] === '\t') {
      if (lines.length === 0) return undefined;
      lines[lines.length - 1].value += ` ${raw.trim()}`;
      continue;
    }
    const i = raw.indexOf(':');
    if (i <= 0) {
      if (from === 0 && lines.length === 0 && raw.startsWith('From ')) continue; // mbox separator
      return undefined;
    }
    lines.push({ key: raw.slice(0, i).trim().toLowerCase(), value: raw.slice(i + 1).trim() });
  }
  return { lines, bodyStart };
}

function header(lines: { key: string; value: string }[], key: string): string | undefined {
  for (const l of lines) if (l.key === key) return l.value;
  return undefined;
}

function decodeBody(bin: string, encoding: string | undefined): Buffer | undefined {
  const enc = (encoding ?? '7bit').toLowerCase().trim();
  if (enc === 'base64') return Buffer.from(bin.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (enc === 'quoted-printable') return libqp.decode(bin);
  if (enc === '7bit' || enc === '8bit' || enc === 'binary' || enc === '') return Buffer.from(bin, 'latin1');
  return undefined; // uuencode, x-*: let mailparser decide
}

function walk(bin: string, start: number, end: number, depth: number, ctx: Ctx): boolean {
  if (depth > MAX_DEPTH || ++ctx.parts > MAX_PARTS) return false;
  const h = splitHeaders(bin.slice(0, end), start);
  if (!h) return false;
  const ct = libmime.parseHeaderValue(header(h.lines, 'content-type') ?? 'text/plain');
  const type = String(ct.value || 'text/plain').toLowerCase();
  const params = ct.params as Record<string, string>;
  if (type.startsWith('multipart/')) {
    const boundary = params.boundary;
    if (!boundary) return false;
    const delim = `--${boundary}`;
    const body = bin.slice(h.bodyStart, end);
    const positions: number[] = [];
    let p = body.startsWith(delim) ? 0 : body.indexOf(`\n${delim}`);
    while (p >= 0) {
      const at = body[p] === '\n' ? p + 1 : p;
      const after = at + delim.length;
      if (body.startsWith('--', after)) {
        positions.push(at);
        break;
      }
      positions.push(at);
      p = body.indexOf(`\n${delim}`, after);
    }
    if (positions.length < 2) return false;
    for (let i = 0; i + 1 < positions.length; i++) {
      let s = body.indexOf('\n', positions[i]);
      if (s < 0) return false;
      s += 1;
      let e = positions[i + 1];
      if (body[e - 1] === '\n') e--;
      if (body[e - 1] === '\r') e--;
      if (!walk(bin, h.bodyStart + s, h.bodyStart + Math.max(s, e), depth + 1, ctx)) return false;
    }
    return true;
  }
  if (type.startsWith('message/')) return false;
  const disposition = libmime.parseHeaderValue(header(h.lines, 'content-disposition') ?? '');
  const isAttachment = String(disposition.value).toLowerCase() === 'attachment';
  const buf = decodeBody(bin.slice(h.bodyStart, end), header(h.lines, 'content-transfer-encoding'));
  if (!buf) return false;
  const dparams = disposition.params as Record<string, string>;
  if (!isAttachment && (type === 'text/plain' || type === 'text/html')) {
    const str = charset.decode(buf, params.charset || 'us-ascii');
    if (type === 'text/plain') ctx.text = ctx.text === undefined ? str : `${ctx.text}\n${str}`;
    else if (ctx.html === undefined) ctx.html = str;
    else ctx.html += str;
    return true;
  }
  const filename = dparams.filename ?? params.name ?? '';
  ctx.attachments.push({ filename: filename ? libmime.decodeWords(filename) : '', contentType: type, size: buf.length, content: buf });
  return true;
}

/** undefined = not a plain well-formed message: use mailparser. */
export function parseFast(input: Buffer | string): FastParsed | undefined {
  const bin = typeof input === 'string' ? Buffer.from(input, 'utf8').toString('latin1') : input.toString('latin1');
  const ctx: Ctx = { parts: 0, text: undefined, html: undefined, attachments: [] };
  try {
    const top = splitHeaders(bin, 0);
    if (!top || top.lines.length === 0) return undefined;
    if (!walk(bin, 0, bin.length, 0, ctx)) return undefined;
    // header values as Unicode: raw bytes are UTF-8 when not encoded-words
    const headerLines = top.lines.map((l) => ({ key: l.key, value: Buffer.from(l.value, 'latin1').toString('utf8') }));
    return { headerLines, text: ctx.text, html: ctx.html, attachments: ctx.attachments };
  } catch {
    return undefined;
  }
}

export function decodeHeaderWords(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  try {
    return libmime.decodeWords(v);
  } catch {
    return v;
  }
}
