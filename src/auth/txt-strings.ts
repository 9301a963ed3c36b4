// TXT records carry character-strings of at most 255 bytes; longer values (an RSA-2048 DKIM
// key) are published as several strings that receivers join without separators.

/** Splits at 255 bytes without cutting a UTF-8 sequence (our values are ASCII anyway). */
export function splitTxtStrings(value: string, max = 255): string[] {
  const out: string[] = [];
  let cur = '';
  let curBytes = 0;
  for (const ch of value) {
    const b = Buffer.byteLength(ch);
    if (curBytes + b > max) {
      out.push(cur);
      cur = '';
      curBytes = 0;
    }
    cur += ch;
    curBytes += b;
  }
  if (cur || out.length === 0) out.push(cur);
  return out;
}

/** The zone-file form: "\"v=DKIM1; k=rsa; p=MIIB...\" \"...rest\"". */
export function zoneFileTxt(strings: readonly string[]): string {
  return strings.map((s) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(' ');
}

/**
 * What a TXT value we did not write looks like in a report: printable ASCII, other bytes
 * escaped, cut to a bounded length, so a hostile record (huge, binary, control characters)
 * cannot flood a page, a log line or a terminal.
 */
export function displayTxt(value: string, max = 512): string {
  const cut = value.length > max ? value.slice(0, max) : value;
  const safe = cut.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0').slice(-2)}`);
  return value.length > max ? `${safe}... (${value.length} characters)` : safe;
}
