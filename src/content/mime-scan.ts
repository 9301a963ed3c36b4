// A cheap line scan of a raw message, before the real parser runs: how deeply multiparts
// nest and which charsets parts declare. It only looks at header-ish lines and boundary
// delimiters (MIME syntax, not HTML), so it is linear and never allocates per byte.

export interface MimeScan {
  maxDepth: number;
  charsets: string[];
  missingBoundary: boolean;
  /** a text/plain or text/html part sent base64-encoded (hides its wording from simple filters) */
  base64Text: boolean;
}

const MAX_LINES = 2_000_000;

export function scanMime(raw: string): MimeScan {
  const out: MimeScan = { maxDepth: 0, charsets: [], missingBoundary: false, base64Text: false };
  // per header block (the message header, then each part's): a text type and base64 encoding
  let inHeader = true;
  let blockText = false;
  let blockB64 = false;
  const open: string[] = [];
  const seen = new Set<string>();
  let pos = 0;
  let lines = 0;
  let pendingHeader = '';
  while (pos < raw.length && lines++ < MAX_LINES) {
    let nl = raw.indexOf('\n', pos);
    if (nl < 0) nl = raw.length;
    const line = raw.slice(pos, nl).replace(/\r$/, '');
    pos = nl + 1;
    // folded continuation of a Content-Type header
    if (pendingHeader && (line.startsWith(' ') || line.startsWith('\t'))) {
      pendingHeader += line;
      continue;
    }
    if (pendingHeader) {
      handleContentType(pendingHeader);
      pendingHeader = '';
    }
    if (inHeader) {
      if (line === '') {
        if (blockText && blockB64) out.base64Text = true;
        inHeader = false;
        continue;
      }
      if ((line.charCodeAt(0) | 32) === 99 && /^content-transfer-encoding:\s*base64/i.test(line)) blockB64 = true;
    }
    if (line.length > 13 && (line.charCodeAt(0) | 32) === 99 && /^content-type:/i.test(line)) {
      pendingHeader = line;
      continue;
    }
    if (line.startsWith('--') && open.length > 0) {
      const t = line.trimEnd();
      if (open.includes(t.slice(2))) {
        inHeader = true;
        blockText = false;
        blockB64 = false;
      }
      for (let i = open.length - 1; i >= 0; i--) {
        if (t === `--${open[i]}--`) {
          open.length = i;
          break;
        }
      }
    }
  }
  if (pendingHeader) handleContentType(pendingHeader);
  return out;

  function handleContentType(h: string): void {
    if (inHeader && /^content-type:\s*text\/(plain|html)/i.test(h)) blockText = true;
    const cs = /charset\s*=\s*"?([^";\s]+)/i.exec(h);
    if (cs && !seen.has(cs[1].toLowerCase()) && out.charsets.length < 50) {
      seen.add(cs[1].toLowerCase());
      out.charsets.push(cs[1]);
    }
    if (/multipart\//i.test(h)) {
      const b = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(h);
      if (!b) {
        out.missingBoundary = true;
        return;
      }
      open.push(b[1] ?? b[2]);
      if (open.length > out.maxDepth) out.maxDepth = open.length;
    }
  }
}

const EXTRA_CHARSETS = new Set(['utf-7', 'utf7', 'unicode-1-1-utf-7', 'ascii', 'us', 'cp1252', 'cp1250', 'cp850', 'cp437', 'latin1', 'iso-2022-jp-2']);

/** Whether we can decode this charset (WHATWG labels plus a few legacy aliases). */
export function knownCharset(label: string): boolean {
  const l = label.toLowerCase().replace(/^x-/, '');
  if (EXTRA_CHARSETS.has(l) || EXTRA_CHARSETS.has(label.toLowerCase())) return true;
  try {
    new TextDecoder(l);
    return true;
  } catch {
    try {
      new TextDecoder(label);
      return true;
    } catch {
      return false;
    }
  }
}
