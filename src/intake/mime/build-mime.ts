// Builds the RFC 5322/MIME message for a rendered NormalizedMessage, synchronously and
// fast (the HTTP intake target is thousands of messages a second; nodemailer's MailComposer
// is stream-based and asynchronous, see bench/mime-build.ts for the comparison).
//
// Structure: text/plain, text/html or multipart/alternative; wrapped in multipart/related
// with the inline (cid) parts, then in multipart/mixed with the attachments.
// Bodies: 7bit when pure ASCII with short lines, else quoted-printable; attachments base64.
// Return-Path is deliberately NOT written: RFC 5321 §4.4, the originating system must not
// add it; the VERP address is the envelope MAIL FROM and the final MTA records it.
import { randomBytes } from 'node:crypto';
import type { Attachment, NormalizedMessage } from '../mailjet/types.ts';
import {
  addressHeader,
  mimeParam,
  quotedPrintable,
  rfc5322Date,
  unstructured,
  wrapBase64,
} from './encode.ts';

export interface BuildMimeOptions {
  /** The Message-ID header value, with angle brackets: "<uuid@host>". */
  messageIdHeader: string;
  date: Date;
  /** Feedback-ID header (Gmail FBL): "campaign:customer:stream:sender". */
  feedbackId?: string;
  /** Adds List-Unsubscribe, and List-Unsubscribe-Post (RFC 8058) when an https url is given. */
  listUnsubscribe?: { url?: string; mailto?: string };
  /** Platform headers (trusted), written after the message's own custom headers. */
  extraHeaders?: Record<string, string>;
}

/** Headers this builder writes itself; a custom header of the same name is dropped. */
const OWN = new Set([
  'message-id',
  'date',
  'from',
  'sender',
  'to',
  'cc',
  'bcc',
  'subject',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'feedback-id',
  'list-unsubscribe',
  'list-unsubscribe-post',
  'return-path',
]);

const BOUNDARY_PREFIX = `=_relais_${randomBytes(6).toString('hex')}_`;
let boundaryCounter = 0;
function boundary(): string {
  boundaryCounter = (boundaryCounter + 1) % 0x7fffffff;
  return `${BOUNDARY_PREFIX}${boundaryCounter.toString(36)}`;
}

const SEVEN_BIT_OK = /^[\x01-\x7f]*$/;

/** True when some line is longer than 998 characters (RFC 5322 §2.1.1). A regex would backtrack. */
function hasLongLine(text: string): boolean {
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const len = end - start - (end > start && text.charCodeAt(end - 1) === 13 ? 1 : 0);
    if (len > 998) return true;
    if (nl < 0) return false;
    start = nl + 1;
  }
}
const BARE_EOL = /\r(?!\n)|(?<!\r)\n/;

// Part builders return header + blank line + content with no trailing CRLF: content is
// exactly what the client sent, and multipart() adds the delimiter line breaks.

/** A text part: 7bit when it can be (and contains no boundary marker), else quoted-printable. */
function textPart(type: 'plain' | 'html', text: string): string {
  if (SEVEN_BIT_OK.test(text) && !hasLongLine(text) && !text.includes('=_relais_')) {
    const body = BARE_EOL.test(text) ? text.replace(/\r\n|\r|\n/g, '\r\n') : text;
    return `Content-Type: text/${type}; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n${body}`;
  }
  const qp = quotedPrintable(text);
  return `Content-Type: text/${type}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${qp}`;
}

function multipart(subtype: string, parts: string[], type?: string): string {
  const b = boundary();
  let s = `Content-Type: multipart/${subtype}; boundary="${b}"${type ? `; type="${type}"` : ''}\r\n\r\n`;
  // the CRLF before each delimiter belongs to the delimiter (RFC 2046 §5.1.1), not the part
  for (const p of parts) s += `--${b}\r\n${p}\r\n`;
  return `${s}--${b}--`;
}

function attachmentPart(a: Attachment, inline: boolean): string {
  let s = `Content-Type: ${a.contentType}; ${mimeParam('name', a.filename)}\r\n`;
  s += 'Content-Transfer-Encoding: base64\r\n';
  s += `Content-Disposition: ${inline ? 'inline' : 'attachment'}; ${mimeParam('filename', a.filename)}\r\n`;
  if (inline && a.contentId) s += `Content-ID: <${a.contentId}>\r\n`;
  return `${s}\r\n${wrapBase64(a.base64)}`;
}

function bodyEntity(msg: NormalizedMessage): string {
  let alt: string;
  if (msg.textPart !== undefined && msg.htmlPart !== undefined) {
    alt = multipart('alternative', [textPart('plain', msg.textPart), textPart('html', msg.htmlPart)]);
  } else if (msg.htmlPart !== undefined) alt = textPart('html', msg.htmlPart);
  else alt = textPart('plain', msg.textPart ?? '');
  let entity = alt;
  if (msg.inlinedAttachments.length > 0) {
    // RFC 2387: `type` names the root part's content type
    const rootType = /^Content-Type: ([^;\r\n]+)/.exec(entity)![1]!;
    entity = multipart('related', [entity, ...msg.inlinedAttachments.map((a) => attachmentPart(a, true))], rootType);
  }
  if (msg.attachments.length > 0) {
    entity = multipart('mixed', [entity, ...msg.attachments.map((a) => attachmentPart(a, false))]);
  }
  return entity;
}

/** The complete message (CRLF line endings, ASCII only). Bcc recipients get no header. */
export function buildMime(msg: NormalizedMessage, opts: BuildMimeOptions): Buffer {
  if (!msg.from) throw new Error('buildMime: message has no From (render the template first)');
  let h = `Message-ID: ${opts.messageIdHeader}\r\nDate: ${rfc5322Date(opts.date)}\r\n`;
  h += addressHeader('From', [msg.from]);
  if (msg.sender) h += addressHeader('Sender', [msg.sender]);
  if (msg.to.length > 0) h += addressHeader('To', msg.to);
  if (msg.cc.length > 0) h += addressHeader('Cc', msg.cc);
  if (msg.replyTo) h += addressHeader('Reply-To', [msg.replyTo]);
  if (msg.subject !== undefined) h += unstructured('Subject', msg.subject);
  h += 'MIME-Version: 1.0\r\n';
  if (opts.feedbackId) h += unstructured('Feedback-ID', opts.feedbackId);
  const lu = opts.listUnsubscribe;
  if (lu && (lu.url || lu.mailto)) {
    const uris: string[] = [];
    if (lu.url) uris.push(`<${lu.url}>`);
    if (lu.mailto) uris.push(`<${lu.mailto.startsWith('mailto:') ? lu.mailto : `mailto:${lu.mailto}`}>`);
    h += `List-Unsubscribe: ${uris.join(',\r\n ')}\r\n`;
    if (lu.url?.startsWith('https://')) h += 'List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n';
  }
  const extra = opts.extraHeaders ?? {};
  const extraNames = new Set(Object.keys(extra).map((k) => k.toLowerCase()));
  for (const [name, value] of Object.entries(msg.headers)) {
    const lower = name.toLowerCase();
    if (OWN.has(lower) || extraNames.has(lower)) continue;
    if (lower === 'reply-to' && msg.replyTo) continue; // the ReplyTo property wins
    h += unstructured(name, value);
  }
  for (const [name, value] of Object.entries(extra)) {
    if (OWN.has(name.toLowerCase())) continue;
    h += unstructured(name, value);
  }
  const body = bodyEntity(msg);
  // end with CRLF like all mail on the wire (SMTP DATA and DKIM body hashes expect it)
  return Buffer.from(h + body + (body.endsWith('\r\n') ? '' : '\r\n'), 'latin1');
}
