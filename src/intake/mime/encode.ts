// Low-level encoders for building messages: RFC 2047 encoded-words, header folding,
// address formatting, RFC 2231 parameters, quoted-printable and base64 line wrapping.
// Written for speed (the HTTP intake builds thousands of messages a second) and checked
// against mailparser in the tests.
import type { Address } from '../mailjet/types.ts';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const ATEXT_PHRASE = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]*$/;

/** RFC 2047 B-encoded words for `text`, each at most 75 characters, never splitting a character. */
export function encodeWords(text: string): string[] {
  const words: string[] = [];
  let chunk = '';
  let bytes = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > 45) {
      words.push(`=?UTF-8?B?${Buffer.from(chunk).toString('base64')}?=`);
      chunk = '';
      bytes = 0;
    }
    chunk += ch;
    bytes += n;
  }
  if (chunk || words.length === 0) words.push(`=?UTF-8?B?${Buffer.from(chunk).toString('base64')}?=`);
  return words;
}

/** Folds `name: value` at whitespace so lines stay under 78 characters where possible. */
export function foldHeader(name: string, value: string): string {
  const line = `${name}: ${value}`;
  if (line.length <= 78) return `${line}\r\n`;
  const parts = value.split(' ');
  let out = `${name}:`;
  let col = out.length;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (col + 1 + p.length > 78 && col > name.length + 1) {
      out += `\r\n ${p}`;
      col = 1 + p.length;
    } else {
      out += ` ${p}`;
      col += 1 + p.length;
    }
  }
  return `${out}\r\n`;
}

/** An unstructured header value (Subject, custom headers): as is when printable ASCII, else encoded words. */
export function unstructured(name: string, value: string): string {
  if (PRINTABLE_ASCII.test(value) && !/=\?/.test(value)) return foldHeader(name, value);
  return `${name}: ${encodeWords(value).join('\r\n ')}\r\n`;
}

export function formatAddress(a: Address): string {
  if (!a.name) return a.email;
  let phrase: string;
  if (!PRINTABLE_ASCII.test(a.name)) phrase = encodeWords(a.name).join(' ');
  else if (ATEXT_PHRASE.test(a.name) && a.name.trim() === a.name && !/ {2}/.test(a.name)) phrase = a.name;
  else phrase = `"${a.name.replace(/[\\"]/g, '\\$&')}"`;
  return `${phrase} <${a.email}>`;
}

/** An address header, one address per folded line when the list is long. */
export function addressHeader(name: string, list: Address[]): string {
  const items = list.map(formatAddress);
  let out = `${name}: `;
  let col = out.length;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]! + (i < items.length - 1 ? ',' : '');
    if (i > 0 && col + 1 + item.length > 78) {
      out += `\r\n ${item}`;
      col = 1 + item.length;
    } else {
      out += i > 0 ? ` ${item}` : item;
      col += (i > 0 ? 1 : 0) + item.length;
    }
  }
  return `${out}\r\n`;
}

/** A MIME parameter: quoted when ASCII, RFC 2231 extended (UTF-8, percent-encoded) otherwise. */
export function mimeParam(key: string, value: string): string {
  if (PRINTABLE_ASCII.test(value)) return `${key}="${value.replace(/[\\"]/g, '\\$&')}"`;
  const enc = encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${key}*=utf-8''${enc}`;
}

/** RFC 5322 date in UTC. */
export function rfc5322Date(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}

/** Base64 `b64` wrapped at 76 characters with CRLF (none after the last line). */
export function wrapBase64(b64: string): string {
  if (b64.length <= 76) return b64;
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join('\r\n');
}

const HEX = '0123456789ABCDEF';

/**
 * Quoted-printable (RFC 2045 §6.7) of the UTF-8 bytes of `text`, with CRLF hard line breaks
 * (any of CRLF, LF, CR in the input) and soft breaks keeping lines at most 76 characters.
 */
export function quotedPrintable(text: string): string {
  const src = Buffer.from(text, 'utf8');
  const n = src.length;
  const out = Buffer.allocUnsafe(n * 3 + Math.ceil((n * 3) / 73) * 3 + 4);
  let o = 0;
  let col = 0;
  for (let i = 0; i < n; i++) {
    const b = src[i]!;
    if (b === 0x0d || b === 0x0a) {
      if (b === 0x0d && src[i + 1] === 0x0a) i++;
      out[o++] = 0x0d;
      out[o++] = 0x0a;
      col = 0;
      continue;
    }
    let literal = (b >= 33 && b <= 126 && b !== 61) || b === 0x20 || b === 0x09;
    if (literal && (b === 0x20 || b === 0x09)) {
      const next = src[i + 1];
      if (next === undefined || next === 0x0d || next === 0x0a) literal = false; // trailing whitespace
    }
    const len = literal ? 1 : 3;
    if (col + len > 75) {
      out[o++] = 0x3d;
      out[o++] = 0x0d;
      out[o++] = 0x0a;
      col = 0;
    }
    if (literal) out[o++] = b;
    else {
      out[o++] = 0x3d;
      out[o++] = HEX.charCodeAt(b >> 4);
      out[o++] = HEX.charCodeAt(b & 15);
    }
    col += len;
  }
  return out.toString('latin1', 0, o);
}
