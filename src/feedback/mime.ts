// A bounded, synchronous MIME walker for reports (DSN, ARF). mailparser flattens a message
// into text + attachments and is asynchronous; reports need the tree itself (which part is
// message/delivery-status, what the embedded message/rfc822 headers say) and hard limits so
// hostile input (multipart bombs, deep nesting, huge attachments) costs bounded time and
// memory. Header decoding, charsets and transfer encodings come from libmime/libqp/libbase64.
import libbase64 from 'libbase64';
import libmime from 'libmime';
import charset from 'libmime/lib/charset.js';
import libqp from 'libqp';

export interface MimeLimits {
  /** bytes of input considered at all; the rest is ignored (reports put the report first) */
  maxInputBytes: number;
  maxParts: number;
  maxDepth: number;
  /** decoded text kept per part */
  maxTextBytes: number;
  maxHeaderBytes: number;
}

export const DEFAULT_LIMITS: MimeLimits = {
  maxInputBytes: 8 * 1024 * 1024,
  maxParts: 256,
  maxDepth: 12,
  maxTextBytes: 256 * 1024,
  maxHeaderBytes: 64 * 1024,
};

export interface Header {
  /** lower-cased field name */
  name: string;
  /** unfolded raw value (MIME words not decoded) */
  value: string;
}

export interface MimePart {
  headers: Header[];
  /** lower-cased media type, `text/plain` when absent */
  type: string;
  params: Record<string, string>;
  /** raw body in "binary" (latin1) string form, newlines normalised to \n */
  body: string;
  children: MimePart[];
  depth: number;
  /** for message/rfc822 and text/rfc822-headers: the embedded message */
  embedded?: MimePart;
}

export interface ParsedMime {
  root: MimePart;
  /** set when a limit cut the walk short: the result is partial, never wrong about what it has */
  truncated: string[];
}

/** Converts input to a latin1 "binary" string with \n line ends, capped at maxInputBytes. */
export function toBinary(raw: Buffer | string, maxBytes: number): { text: string; cut: boolean } {
  let buf = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  const cut = buf.length > maxBytes;
  if (cut) buf = buf.subarray(0, maxBytes);
  let text = buf.toString('latin1');
  // CR-only (old Mac) and CRLF files both occur in real bounce collections.
  text = text.replace(/\r+\n/g, '\n').replace(/\r/g, '\n');
  return { text, cut };
}

export function parseHeaderBlock(block: string, maxBytes: number): Header[] {
  // Cut at a line end so a field is never half-read.
  const src = block.length > maxBytes ? block.slice(0, Math.max(0, block.lastIndexOf('\n', maxBytes))) : block;
  const headers: Header[] = [];
  for (const line of src.split('\n')) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      headers[headers.length - 1].value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : '';
    if (!name || !/^[\x21-\x39\x3b-\x7e]+$/.test(name)) {
      // Not a field: some MTAs fold multi-line replies without the leading space.
      if (headers.length > 0 && line.trim()) headers[headers.length - 1].value += ` ${line.trim()}`;
      continue;
    }
    headers.push({ name, value: line.slice(colon + 1).trim() });
  }
  return headers;
}

/** Splits at the first empty line. A message without one is all headers or all body. */
function splitHead(text: string): { head: string; body: string } {
  if (text.startsWith('\n')) return { head: '', body: text.slice(1) };
  const idx = text.indexOf('\n\n');
  if (idx < 0) {
    // Headers only if every line looks like a header; otherwise treat it as a body.
    return /^[\x21-\x39\x3b-\x7e]+:/.test(text) ? { head: text, body: '' } : { head: '', body: text };
  }
  return { head: text.slice(0, idx), body: text.slice(idx + 2) };
}

export function header(headers: Header[], name: string): string | undefined {
  const n = name.toLowerCase();
  for (const h of headers) if (h.name === n) return h.value;
  return undefined;
}

export function headerAll(headers: Header[], name: string): string[] {
  const n = name.toLowerCase();
  return headers.filter((h) => h.name === n).map((h) => h.value);
}

export function decodeWords(value: string): string {
  try {
    // Header bytes that are raw 8-bit (latin1 string) are usually UTF-8 in practice.
    const utf = /[\x80-\xff]/.test(value) ? Buffer.from(value, 'latin1').toString('utf8') : value;
    return libmime.decodeWords(utf);
  } catch {
    return value;
  }
}

function parseContentType(headers: Header[]): { type: string; params: Record<string, string> } {
  const v = header(headers, 'content-type');
  if (!v) return { type: 'text/plain', params: {} };
  try {
    const parsed = libmime.parseHeaderValue(v);
    const type = String(parsed.value || 'text/plain')
      .toLowerCase()
      .replace(/\s+/g, '');
    return { type: type.includes('/') ? type : 'text/plain', params: parsed.params };
  } catch {
    return { type: 'text/plain', params: {} };
  }
}

interface WalkState {
  parts: number;
  limits: MimeLimits;
  truncated: string[];
}

function buildPart(text: string, depth: number, st: WalkState, headersOnly = false): MimePart {
  st.parts++;
  const { head, body } = headersOnly ? { head: text, body: '' } : splitHead(text);
  const headers = parseHeaderBlock(head, st.limits.maxHeaderBytes);
  const { type, params } = parseContentType(headers);
  const part: MimePart = { headers, type, params, body, children: [], depth };
  if (depth >= st.limits.maxDepth) {
    if (type.startsWith('multipart/') || type === 'message/rfc822') st.truncated.push('depth');
    return part;
  }
  if (type.startsWith('multipart/') && params.boundary) {
    let chunks = splitMultipart(body, params.boundary, st);
    if (chunks.length === 0) {
      // Real bounces (and anonymised ones) sometimes declare one boundary and use another:
      // take the first delimiter-looking line that is followed by a header.
      const guess = /^--([^\s]{6,200})\n[A-Za-z-]+:/m.exec(body);
      if (guess && guess[1] !== params.boundary) chunks = splitMultipart(body, guess[1], st);
    }
    if (chunks.length === 0) {
      // No usable delimiter at all: read the body as text (PMDF and others put the whole
      // report there).
      part.type = 'text/plain';
      return part;
    }
    for (const chunk of chunks) {
      if (st.parts >= st.limits.maxParts) {
        st.truncated.push('parts');
        break;
      }
      part.children.push(buildPart(chunk, depth + 1, st));
    }
  } else if (type === 'message/rfc822' || type === 'message/global') {
    if (st.parts < st.limits.maxParts) part.embedded = buildPart(decodeTransfer(part), depth + 1, st);
  } else if (type === 'text/rfc822-headers' || type === 'message/rfc822-headers' || type === 'text/rfc822-header') {
    if (st.parts < st.limits.maxParts) part.embedded = buildPart(decodeTransfer(part), depth + 1, st, true);
  }
  return part;
}

function splitMultipart(body: string, boundary: string, st: WalkState): string[] {
  const delim = `--${boundary}`;
  const chunks: string[] = [];
  let pos = body.startsWith(delim) ? 0 : body.indexOf(`\n${delim}`);
  if (pos < 0) return chunks;
  if (pos > 0) pos += 1;
  while (pos >= 0 && chunks.length < st.limits.maxParts) {
    const lineEnd = body.indexOf('\n', pos);
    const marker = body.slice(pos + delim.length, pos + delim.length + 2);
    if (marker === '--') break;
    if (lineEnd < 0) break;
    const next = body.indexOf(`\n${delim}`, lineEnd);
    const end = next < 0 ? body.length : next;
    chunks.push(body.slice(lineEnd + 1, end));
    pos = next < 0 ? -1 : next + 1;
  }
  return chunks;
}

/** The body with its Content-Transfer-Encoding undone, as a latin1 binary string. */
export function decodeTransfer(part: MimePart): string {
  const cte = (header(part.headers, 'content-transfer-encoding') ?? '').toLowerCase().trim();
  try {
    if (cte === 'base64') return libbase64.decode(part.body.replace(/[^A-Za-z0-9+/=]/g, '')).toString('latin1');
    if (cte === 'quoted-printable') return libqp.decode(part.body).toString('latin1');
  } catch {
    // fall through: keep raw bytes
  }
  return part.body;
}

/** Decoded text of a part, in its declared charset (UTF-8 by default), capped in size. */
export function partText(part: MimePart, limits: MimeLimits = DEFAULT_LIMITS): string {
  let bin = decodeTransfer(part);
  if (bin.length > limits.maxTextBytes) bin = bin.slice(0, limits.maxTextBytes);
  const buf = Buffer.from(bin, 'latin1');
  let cs = part.params.charset;
  if (!cs) {
    // Undeclared 8-bit text: ISO-2022-JP escapes are common in Japanese carrier bounces.
    if (/\x1b\$[B@]/.test(bin)) cs = 'iso-2022-jp';
  }
  let text: string;
  try {
    text = charset.decode(buf, cs || 'utf-8');
  } catch {
    text = buf.toString('utf8');
  }
  if (part.params.format?.toLowerCase() === 'flowed') {
    try {
      text = libmime.decodeFlowed(text, part.params.delsp?.toLowerCase() === 'yes');
    } catch {
      // keep undecoded
    }
  }
  return text;
}

export function parseMime(raw: Buffer | string, limits: MimeLimits = DEFAULT_LIMITS): ParsedMime {
  const { text, cut } = toBinary(raw, limits.maxInputBytes);
  const st: WalkState = { parts: 0, limits, truncated: cut ? ['size'] : [] };
  const root = buildPart(text, 0, st);
  return { root, truncated: [...new Set(st.truncated)] };
}

/** Depth-first walk over parts (not descending into embedded messages unless asked). */
export function* walk(part: MimePart, intoEmbedded = false): Generator<MimePart> {
  yield part;
  for (const c of part.children) yield* walk(c, intoEmbedded);
  if (intoEmbedded && part.embedded) yield* walk(part.embedded, intoEmbedded);
}
