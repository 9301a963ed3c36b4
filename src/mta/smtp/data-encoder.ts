// The DATA encoding of RFC 5321 §4.5.2: a dot at the start of a line is doubled, and line
// ends go out as CRLF (a bare CR or LF becomes CRLF: bare line ends are what SMTP smuggling
// is made of, and strict receivers refuse them). The content ends with CRLF "." CRLF.
//
// Relais's own messages are already canonical, so the common case is checked with native
// indexOf scans and the chunk is passed on untouched (no copy of a 100 KB body); only a
// chunk that needs a change goes through the byte loop. Chunks may split lines anywhere:
// the encoder remembers the last byte it saw.

import { cleanLines } from '../../core/line-ends.ts';

const DOT = 0x2e;
const CR = 0x0d;
const LF = 0x0a;

/** Would this chunk go out unchanged, given the byte before it (false = start of the data)? */
export function passesUnchanged(chunk: Buffer, lastByte: number | false): boolean {
  const len = chunk.length;
  if (len === 0) return true;
  const first = chunk[0];
  if (lastByte === CR && first !== LF) return false; // bare CR across chunks
  if (first === DOT && (lastByte === false || lastByte === LF)) return false; // leading dot
  if (first === LF) {
    // the second half of a CRLF split across chunks
    if (lastByte !== CR || (len > 1 && chunk[1] === DOT)) return false;
    return cleanLines(chunk.subarray(1));
  }
  // Inside the chunk: CRLF line ends only, no dot after a line end (one scan, remembered
  // per buffer: the DKIM signer has usually asked already).
  return cleanLines(chunk);
}

const INSERT_CR = Buffer.from('\r');
const INSERT_LF = Buffer.from('\n');
const INSERT_LF_DOT = Buffer.from('\n.');
const INSERT_DOT = Buffer.from('.');

export class DataEncoder {
  #last: number | false = false;

  /** The wire form of the next chunk: the chunk itself when nothing changes. */
  encode(chunk: Buffer): Buffer {
    if (chunk.length === 0) return chunk;
    const last = this.#last;
    this.#last = chunk[chunk.length - 1]!;
    if (passesUnchanged(chunk, last)) return chunk;
    const out: Buffer[] = [];
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      const prev = i > 0 ? chunk[i - 1] : last;
      let insert: Buffer | undefined;
      if (prev === CR && byte !== LF) insert = byte === DOT ? INSERT_LF_DOT : INSERT_LF;
      else if (byte === LF && prev !== CR) insert = INSERT_CR;
      else if (byte === DOT && (prev === LF || prev === false)) insert = INSERT_DOT;
      if (insert) {
        if (i > from) out.push(chunk.subarray(from, i));
        out.push(insert);
        from = i;
      }
    }
    if (from < chunk.length) out.push(chunk.subarray(from));
    return Buffer.concat(out);
  }

  /** What ends the data: the missing line end, if any, then "." CRLF. */
  end(): Buffer {
    const last = this.#last;
    this.#last = false;
    if (last === LF) return END_AFTER_LF;
    if (last === CR) return END_AFTER_CR;
    return last === false ? END_AFTER_LF : END_AFTER_TEXT;
  }
}

const END_AFTER_LF = Buffer.from('.\r\n');
const END_AFTER_CR = Buffer.from('\n.\r\n');
const END_AFTER_TEXT = Buffer.from('\r\n.\r\n');
