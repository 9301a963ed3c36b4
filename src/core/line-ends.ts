// One scan of a message's line structure, shared by the two places that used to walk every
// line of every body: the DKIM signer (relaxed body canonicalization) and the SMTP DATA
// encoder (dot-stuffing, bare line ends). A 100 KB body has ~1,300 lines; a JavaScript
// loop calling indexOf per line cost ~90 µs per pass, where one regular expression over a
// latin1 view of the bytes costs ~30 µs, and the answer is then remembered per buffer.

// A bare LF, a CR followed by anything but LF (a CR as the very last byte may pair with an
// LF that follows the buffer, so it does not count), or a dot at the start of a line.
const NOT_CLEAN = /(?<!\r)\n|\r(?=[^\n])|\n\./;

const known = new WeakMap<Buffer, boolean>();

// Below this size a scan is cheaper than remembering it.
const REMEMBER_FROM = 4096;

/**
 * True when every line end in `buf` is CRLF and no line after the first starts with a dot:
 * the bytes can go out as DATA content and be canonicalized by DKIM without rewriting.
 * False says only that something needs a closer look.
 */
export function cleanLines(buf: Buffer): boolean {
  const hit = known.get(buf);
  if (hit !== undefined) return hit;
  const clean = !NOT_CLEAN.test(buf.toString('latin1'));
  if (buf.length >= REMEMBER_FROM) known.set(buf, clean);
  return clean;
}

/** Records what another scan of the same bytes found (see auth/body-facts.ts). */
export function rememberCleanLines(buf: Buffer, clean: boolean): void {
  known.set(buf, clean);
}
