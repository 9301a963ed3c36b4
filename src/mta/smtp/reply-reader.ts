// Reads SMTP replies off a socket's byte stream (RFC 5321 §4.2): "250-first" continues,
// "250 last" ends a reply. Replies are handed to waiters in the order they were asked for,
// which is what command pipelining (RFC 2920) needs: the client writes several commands at
// once and then takes their replies one by one.
import { StringDecoder } from 'node:string_decoder';

export interface RawReply {
  code: number;
  /** every line of the reply, joined with "\n" (each line keeps its code) */
  text: string;
}

/** Why no reply will come: the peer closed, the socket failed, or it stayed silent too long. */
export interface ReadFailure {
  code: 0;
  kind: 'closed' | 'error' | 'timeout';
  text: string;
  errorCode?: string | undefined;
}

export type ReadResult = RawReply | ReadFailure;

/** A reply line longer than this is a broken or hostile peer (RFC 5321 §4.5.3.1.5 says 512). */
const MAX_LINE = 8192;
/** More lines than this in one reply: same. */
const MAX_LINES = 200;

export class ReplyReader {
  #partial = '';
  readonly #decoder = new StringDecoder('utf8');
  #lines: string[] = [];
  readonly #ready: RawReply[] = [];
  readonly #waiters: Array<(r: ReadResult) => void> = [];
  #failure: ReadFailure | undefined;

  /** Bytes from the socket. Reply text is UTF-8 (RFC 6531 allows it; ASCII is a subset). */
  feed(chunk: Buffer): void {
    if (this.#failure) return;
    // A UTF-8 character split across two reads is decoded whole.
    let data = this.#partial + this.#decoder.write(chunk);
    let nl = data.indexOf('\n');
    while (nl >= 0) {
      const line = data.charCodeAt(nl - 1) === 13 ? data.slice(0, nl - 1) : data.slice(0, nl);
      data = data.slice(nl + 1);
      this.#line(line);
      if (this.#failure) return;
      nl = data.indexOf('\n');
    }
    if (data.length > MAX_LINE) this.fail({ code: 0, kind: 'error', text: `reply line longer than ${MAX_LINE} bytes` });
    else this.#partial = data;
  }

  #line(line: string): void {
    if (line.length > MAX_LINE || this.#lines.length > MAX_LINES) {
      this.fail({ code: 0, kind: 'error', text: 'reply too long' });
      return;
    }
    const m = /^([2-5]\d\d)([ -]|$)/.exec(line);
    if (!m) {
      this.fail({ code: 0, kind: 'error', text: `not an SMTP reply: ${JSON.stringify(line.slice(0, 200))}` });
      return;
    }
    this.#lines.push(line);
    if (m[2] === '-') return;
    const reply: RawReply = { code: Number(m[1]), text: this.#lines.join('\n') };
    this.#lines = [];
    const w = this.#waiters.shift();
    if (w) w(reply);
    else this.#ready.push(reply);
  }

  /** The next reply (in order), or why none will come. */
  next(): Promise<ReadResult> {
    const r = this.#ready.shift();
    if (r) return Promise.resolve(r);
    if (this.#failure) return Promise.resolve(this.#failure);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Replies that arrived unasked (a 421 before a command, say). */
  get pending(): number {
    return this.#ready.length;
  }

  /** No more replies: every waiter, now and later, gets this failure. */
  fail(f: ReadFailure): void {
    if (this.#failure) return;
    this.#failure = f;
    for (const w of this.#waiters.splice(0)) w(f);
  }

  get failed(): ReadFailure | undefined {
    return this.#failure;
  }
}

export function isFailure(r: ReadResult): r is ReadFailure {
  return r.code === 0;
}
