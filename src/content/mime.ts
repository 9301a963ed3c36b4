// Raw MIME → the normalised Message, with mailparser doing the decoding (transfer
// encodings, charsets, encoded words). Structural faults mailparser tolerates silently
// (missing boundaries, unknown charsets, deep nesting) are found by scanMime; faults it
// refuses (too many parts) become a MIME hit on a best-effort fallback, never a crash.
import { type ParsedMail, simpleParser } from 'mailparser';
import { decodeHeaderWords, parseFast } from './mime-fast.ts';
import { knownCharset, scanMime } from './mime-scan.ts';
import type { AttachmentInfo, Message, Stream } from './types.ts';

const MAX_DEPTH_OK = 8;

function addressText(v: ParsedMail['from'] | ParsedMail['replyTo']): string | undefined {
  if (!v) return undefined;
  const first = Array.isArray(v) ? v[0] : v;
  return first?.text || undefined;
}

function headerMap(lines: readonly { key: string; line: string }[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const { key, line } of lines) {
    if (m.has(key)) continue;
    const i = line.indexOf(':');
    m.set(key, line.slice(i + 1).replace(/\r?\n[ \t]+/g, ' ').trim());
  }
  return m;
}

/** Minimal header/body split for messages mailparser refuses. */
function fallback(raw: string): { headers: Map<string, string>; body: string } {
  const end = raw.search(/\r?\n\r?\n/);
  const head = end < 0 ? raw : raw.slice(0, end);
  const headers = new Map<string, string>();
  let last = '';
  for (const line of head.split(/\r?\n/).slice(0, 2000)) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && last) headers.set(last, `${headers.get(last)} ${line.trim()}`);
    else {
      const i = line.indexOf(':');
      if (i > 0) {
        last = line.slice(0, i).trim().toLowerCase();
        if (!headers.has(last)) headers.set(last, line.slice(i + 1).trim());
      }
    }
  }
  return { headers, body: end < 0 ? '' : raw.slice(end).trim().slice(0, 1_000_000) };
}

export async function parseRawMessage(input: Buffer | string, stream: Stream | undefined): Promise<Message> {
  const rawStr = typeof input === 'string' ? input : input.toString('latin1');
  const rawBytes = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
  const issues: Message['mimeIssues'] = [];
  const scan = scanMime(rawStr);
  if (scan.missingBoundary) issues.push({ rule: 'MIME_MALFORMED', detail: 'multipart without boundary' });
  if (scan.maxDepth > MAX_DEPTH_OK) issues.push({ rule: 'MIME_DEEP_NESTING', detail: String(scan.maxDepth) });
  const unknown = scan.charsets.filter((c) => !knownCharset(c));
  if (unknown.length > 0) issues.push({ rule: 'MIME_UNKNOWN_CHARSET', detail: unknown.slice(0, 3).join(', ') });

  // not a fault that needs mailparser, so it is added after the fast-path decision
  const base64Text = scan.base64Text ? [{ rule: 'MIME_BASE64_TEXT', detail: '' }] : [];

  // common case: a well-formed message, decoded without mailparser's stream machinery
  const fast = issues.length === 0 ? parseFast(input) : undefined;
  if (fast) {
    const headers = new Map<string, string>();
    for (const { key, value } of fast.headerLines) if (!headers.has(key)) headers.set(key, value);
    return {
      subject: decodeHeaderWords(headers.get('subject')),
      text: fast.text,
      html: fast.html,
      from: decodeHeaderWords(headers.get('from')),
      replyTo: decodeHeaderWords(headers.get('reply-to')),
      headers,
      fullHeaders: true,
      attachments: fast.attachments,
      stream,
      rawBytes,
      mimeIssues: [...issues, ...base64Text],
    };
  }
  issues.push(...base64Text);
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(input, {
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      skipImageLinks: true,
      maxHtmlLengthToParse: 20 * 1024 * 1024,
    });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (/child nodes/i.test(msg)) {
      if (!issues.some((i) => i.rule === 'MIME_DEEP_NESTING')) issues.push({ rule: 'MIME_DEEP_NESTING', detail: String(Math.max(scan.maxDepth, MAX_DEPTH_OK + 1)) });
    } else issues.push({ rule: 'MIME_MALFORMED', detail: msg.slice(0, 120) });
    const fb = fallback(rawStr);
    return {
      subject: fb.headers.get('subject'),
      text: fb.body,
      html: undefined,
      from: fb.headers.get('from'),
      replyTo: fb.headers.get('reply-to'),
      headers: fb.headers,
      fullHeaders: true,
      attachments: [],
      stream,
      rawBytes,
      mimeIssues: issues,
    };
  }
  const headers = headerMap(parsed.headerLines ?? []);
  const attachments: AttachmentInfo[] = (parsed.attachments ?? []).map((a) => ({
    filename: a.filename ?? '',
    contentType: a.contentType ?? 'application/octet-stream',
    size: a.size ?? a.content?.length ?? 0,
    content: a.content,
  }));
  const html = typeof parsed.html === 'string' ? parsed.html : undefined;
  return {
    subject: parsed.subject,
    text: parsed.text,
    html,
    from: addressText(parsed.from),
    replyTo: addressText(parsed.replyTo),
    headers,
    fullHeaders: true,
    attachments,
    stream,
    rawBytes,
    mimeIssues: issues,
  };
}
