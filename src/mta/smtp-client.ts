// One outbound SMTP connection: binds the egress IP as the source address, greets with its
// HELO name, upgrades with STARTTLS per policy (MTA-STS: a valid certificate for the MX
// name), and sends messages one transaction after another on the same session. With
// PIPELINING (RFC 2920) MAIL, RCPT and DATA go out in one write and the content with its
// end in another: two round trips per message instead of four. Every result becomes a plain
// outcome (a reply, or an error kind) that the delivery loop decides on.
//
// Written for Relais rather than taken from nodemailer: its SMTPConnection sends commands
// one at a time and runs every byte of the content through a JavaScript loop, which was a
// large part of delivery CPU for 100 KB messages. Protocol details: RFC 5321 (§4.2 replies,
// §4.5.2 dot-stuffing, §3.8 421), RFC 3207 (STARTTLS), RFC 1870 (SIZE), RFC 6152 (8BITMIME),
// RFC 6531 (SMTPUTF8).
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { DeliveryErrorKind, SmtpReply } from './policy/retry.ts';
import { parseReply } from './policy/retry.ts';
import type { TlsPolicy } from './policy/shaping.ts';
import { DataEncoder } from './smtp/data-encoder.ts';
import { isFailure, type RawReply, type ReadFailure, type ReadResult, ReplyReader } from './smtp/reply-reader.ts';

export interface ConnectOptions {
  /** IP address to connect to */
  address: string;
  port: number;
  /** the MX host name, for SNI and events */
  hostName: string;
  /** egress IP to bind, undefined = the system's default source address */
  localAddress?: string | undefined;
  helo: string;
  tls: TlsPolicy;
  /** MTA-STS enforce: STARTTLS required and the certificate must be valid for hostName */
  verifyTls?: boolean;
  connectTimeoutMs?: number;
  /** wait for the 220 greeting (default 5 min, RFC 5321 §4.5.3.2.1: some servers delay it on purpose) */
  greetingTimeoutMs?: number;
  /** inactivity timeout while waiting for a reply or writing (default 2 min) */
  socketTimeoutMs?: number;
  /**
   * wait for the reply to the final dot (default 10 min, RFC 5321 §4.5.3.2.6): giving up
   * sooner on a server still scanning the content makes the message go twice (§6.1).
   */
  dataTimeoutMs?: number;
}

export interface TlsInfo {
  version: string;
  cipher: string;
}

/** What one attempt ended with: a reply from the server, or an error before any reply. */
export type SmtpResult =
  | { ok: true; reply: SmtpReply }
  | { ok: false; reply: SmtpReply; command?: string | undefined; closed: boolean }
  | { ok: false; error: DeliveryErrorKind; text: string; closed: true };

const NET_ERRORS: Record<string, DeliveryErrorKind> = {
  ECONNREFUSED: 'connection-refused',
  ECONNRESET: 'connection-reset',
  EPIPE: 'connection-reset',
  ENETUNREACH: 'network-unreachable',
  EHOSTUNREACH: 'network-unreachable',
  EADDRNOTAVAIL: 'network-unreachable',
  ETIMEDOUT: 'connection-timeout',
};

/** Certificate problems (as opposed to a failed handshake): Node's and OpenSSL's codes. */
function isCertificateError(err: Error & { code?: string }): boolean {
  return /CERT|SELF_SIGNED|SIGNATURE|ISSUER|ALTNAME/i.test(err.code ?? '') || /certificate|self[- ]signed|unable to verify|altnames/i.test(err.message);
}

function fromFailure(f: ReadFailure): SmtpResult {
  if (f.kind === 'timeout') return { ok: false, error: 'command-timeout', text: f.text, closed: true };
  if (f.kind === 'closed') return { ok: false, error: 'connection-reset', text: f.text, closed: true };
  const kind = f.errorCode ? NET_ERRORS[f.errorCode] : undefined;
  return { ok: false, error: kind ?? (f.errorCode ? 'connection-reset' : 'protocol'), text: f.text, closed: true };
}

function toReply(r: RawReply): SmtpReply {
  return parseReply(r.text) ?? { code: r.code, text: r.text };
}

/** The server's refusal of `command`; 421 always ends the session (RFC 5321 §3.8). */
function refused(r: RawReply, command: string, closed = false): SmtpResult {
  return { ok: false, reply: toReply(r), command, closed: closed || r.code === 421 };
}

/** The envelope of a message announced ahead of its turn (see send's `next`). */
export interface Envelope {
  from: string;
  to: string;
  size: number;
}

export class OutboundConnection {
  readonly opts: ConnectOptions;
  sent = 0;
  /** MAIL/RCPT/DATA already written for the next message, replies not read yet */
  #announced: Envelope | undefined;
  #socket: Socket | undefined;
  #reader = new ReplyReader();
  #caps = new Map<string, string>();
  #tls: TlsInfo | undefined;
  #closed = false;

  constructor(opts: ConnectOptions) {
    this.opts = opts;
  }

  get closed(): boolean {
    return this.#closed || this.#reader.failed !== undefined || !this.#socket || this.#socket.destroyed;
  }

  /** Extensions the server announced in its last EHLO reply (upper-case keyword -> parameters). */
  get extensions(): ReadonlyMap<string, string> {
    return this.#caps;
  }

  tlsInfo(): TlsInfo | undefined {
    return this.#tls;
  }

  /** Whether the server takes pipelined commands (and so announcements of the next message). */
  get pipelining(): boolean {
    return this.#caps.has('PIPELINING');
  }

  /** The message announced with the last content, if its transaction is still open. */
  get announced(): Envelope | undefined {
    return this.#announced;
  }

  /** MAIL/RCPT/DATA for an envelope, or the refusal when the server cannot take it. */
  #commands(from: string, to: string, size: number): string[] | SmtpResult {
    let params = '';
    if (this.#caps.has('SIZE')) params += ` SIZE=${size}`;
    if (this.#caps.has('8BITMIME')) params += ' BODY=8BITMIME';
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
    if (/[^\x00-\x7f]/.test(from + to)) {
      if (!this.#caps.has('SMTPUTF8')) {
        // RFC 6531 §3.2: an internationalized address must not go to a server without SMTPUTF8.
        const text = `553 5.6.7 ${this.opts.hostName} does not support SMTPUTF8, needed for <${to}>`;
        return { ok: false, reply: { code: 553, enhanced: '5.6.7', text }, command: 'MAIL FROM', closed: false };
      }
      params += ' SMTPUTF8';
    }
    return [`MAIL FROM:<${from}>${params}`, `RCPT TO:<${to}>`, 'DATA'];
  }

  /**
   * Gives up the announced message: its replies are read and the transaction reset. A DATA
   * the server already accepted cannot be ended without delivering something, so then the
   * connection is dropped instead (the server discards a transaction cut off mid-DATA).
   */
  async abandonAnnounced(): Promise<void> {
    if (!this.#announced) return;
    this.#announced = undefined;
    let last: RawReply | undefined;
    for (let i = 0; i < 3; i++) {
      const r = await this.#reader.next();
      if (isFailure(r)) return;
      if (r.code === 421) {
        this.close();
        return;
      }
      last = r;
    }
    if (last?.code === 354) {
      this.abort('transaction given up after DATA');
      return;
    }
    const r = await this.#command('RSET');
    if (isFailure(r) || r.code !== 250) this.close();
  }

  /** Resolves with undefined once greeted (and upgraded to TLS when offered/required), else with the failure. */
  async connect(): Promise<SmtpResult | undefined> {
    const o = this.opts;
    const opened = await this.#open();
    if (opened) return this.#fail(opened);
    const greeting = await this.#read(o.greetingTimeoutMs ?? 300_000);
    if (isFailure(greeting)) return this.#fail(fromFailure(greeting));
    if (greeting.code !== 220) return this.#fail(refused(greeting, 'CONNECT', true));
    const hello = await this.#hello();
    if (hello) return this.#fail(hello);
    const must = o.verifyTls === true || o.tls === 'required';
    const may = must || o.tls === 'opportunistic';
    if (!may) return undefined;
    if (!this.#caps.has('STARTTLS')) {
      return must ? this.#fail({ ok: false, error: 'tls-unavailable', text: `${o.hostName} does not offer STARTTLS`, closed: true }) : undefined;
    }
    const r = await this.#command('STARTTLS');
    if (isFailure(r)) return this.#fail(fromFailure(r));
    if (r.code !== 220) {
      if (r.code === 421) return this.#fail(refused(r, 'STARTTLS', true));
      if (must) return this.#fail({ ok: false, error: 'tls-unavailable', text: r.text, closed: true });
      return undefined; // opportunistic: carry on in plain text
    }
    const upgraded = await this.#startTls();
    if (upgraded) return this.#fail(upgraded);
    // RFC 3207 §4.2: forget everything learnt before TLS and greet again.
    const again = await this.#hello();
    return again ? this.#fail(again) : undefined;
  }

  /**
   * `raw`: the message, or its pieces in order (written one after another, never
   * concatenated). `next`: the envelope of the message that will follow on this connection;
   * with PIPELINING its MAIL/RCPT/DATA go out in the same write as this content (RFC 2920
   * §3.1 allows content first in a group), so the next send starts with its replies already
   * on the way: one round trip per message. A caller that then does not send it must call
   * abandonAnnounced().
   */
  async send(from: string, to: string, raw: Buffer | readonly Buffer[], next?: Envelope): Promise<SmtpResult> {
    this.sent++;
    if (this.closed) return fromFailure(this.#reader.failed ?? { code: 0, kind: 'closed', text: 'connection closed' });
    const ann = this.#announced;
    if (ann && (ann.from !== from || ann.to !== to)) await this.abandonAnnounced();
    if (this.closed) return fromFailure(this.#reader.failed ?? { code: 0, kind: 'closed', text: 'connection closed' });
    const announced = this.#announced !== undefined;
    this.#announced = undefined;
    if (!announced && this.#reader.pending > 0) {
      // Something arrived unasked while idle: a 421 shutdown notice, or a confused peer.
      const r = await this.#reader.next();
      this.close();
      return isFailure(r) ? fromFailure(r) : refused(r, 'MAIL FROM', true);
    }
    const pieces = Buffer.isBuffer(raw) ? [raw] : raw;
    const size = pieces.reduce((n, b) => n + b.length, 0);
    const commands = this.#commands(from, to, size);
    if (!Array.isArray(commands)) return commands;
    const names = ['MAIL FROM', 'RCPT TO', 'DATA'];
    const replies: RawReply[] = [];
    const isBad = (r: RawReply, i: number) => (i < 2 ? r.code < 200 || r.code >= 300 : r.code !== 354);
    const pipelining = this.#caps.has('PIPELINING');
    if (pipelining && !announced) this.#write(`${commands.join('\r\n')}\r\n`);
    for (let i = 0; i < 3; i++) {
      const r = pipelining || announced ? await this.#reader.next() : await this.#command(commands[i]!);
      if (isFailure(r)) {
        // A refusal that came before the connection dropped (a 421, typically) is the news.
        const j = replies.findIndex(isBad);
        return this.#fail(j >= 0 ? refused(replies[j]!, names[j]!, true) : fromFailure(r));
      }
      replies.push(r);
      // A 421 ends the session (RFC 5321 §3.8): some servers answer nothing after it.
      if (r.code === 421) return this.#fail(refused(r, names[i]!, true));
      if (!pipelining && isBad(r, i)) break;
    }
    const bad = replies.findIndex(isBad);
    if (bad >= 0) return this.#abandon(refused(replies[bad]!, names[bad]!), replies[2]);
    const enc = new DataEncoder();
    const socket = this.#socket!;
    // One writev for the whole content (no copy of the body, no write per piece), and the
    // next message's envelope with it.
    socket.cork();
    for (const p of pieces) socket.write(enc.encode(p));
    socket.write(enc.end());
    if (next && pipelining) {
      const following = this.#commands(next.from, next.to, next.size);
      if (Array.isArray(following)) {
        this.#write(`${following.join('\r\n')}\r\n`);
        this.#announced = next;
      }
    }
    socket.uncork();
    socket.setTimeout(this.opts.dataTimeoutMs ?? 600_000);
    const done = await this.#reader.next();
    socket.setTimeout(this.opts.socketTimeoutMs ?? 120_000);
    if (isFailure(done)) return this.#fail(fromFailure(done));
    if (done.code >= 200 && done.code < 300) return { ok: true, reply: toReply(done) };
    // After the final dot the transaction is over either way (RFC 5321 §4.1.1.4): no RSET.
    if (done.code === 421) this.close();
    return refused(done, 'DATA');
  }

  /** Ends the connection now, whatever it is doing: a send under way returns connection-reset. */
  abort(reason: string): void {
    this.#closed = true;
    this.#announced = undefined;
    this.#reader.fail({ code: 0, kind: 'closed', text: reason });
    this.#socket?.destroy();
  }

  close(): void {
    if (this.#closed) return;
    if (this.#announced) {
      // A QUIT now could land inside an accepted DATA and become content: just hang up.
      this.abort('closed with a transaction announced');
      return;
    }
    this.#closed = true;
    const socket = this.#socket;
    if (!socket || socket.destroyed) return;
    if (this.#reader.failed === undefined && socket.writable) socket.end('QUIT\r\n');
    // Do not keep a slot waiting for the server's 221.
    setTimeout(() => socket.destroy(), 1000).unref();
  }

  /** A refused transaction: end a DATA the server accepted anyway, then RSET so the session stays usable. */
  async #abandon(result: SmtpResult, dataReply: RawReply | undefined): Promise<SmtpResult> {
    if (result.ok || result.closed) {
      this.close();
      return result;
    }
    if (dataReply?.code === 354) {
      // RFC 2920 §3.1: DATA accepted although no recipient was; send an empty message.
      this.#write('.\r\n');
      const r = await this.#reader.next();
      if (isFailure(r)) return { ...result, closed: true } as SmtpResult;
    }
    const r = await this.#command('RSET');
    if (isFailure(r) || r.code !== 250) {
      this.close();
      return { ...result, closed: true } as SmtpResult;
    }
    return result;
  }

  #open(): Promise<SmtpResult | undefined> {
    const o = this.opts;
    return new Promise((resolve) => {
      const socket = netConnect({ host: o.address, port: o.port, localAddress: o.localAddress });
      const timer = setTimeout(() => {
        socket.destroy();
        resolve({ ok: false, error: 'connection-timeout', text: `no connection to ${o.address}:${o.port} within ${o.connectTimeoutMs ?? 30_000} ms`, closed: true });
      }, o.connectTimeoutMs ?? 30_000);
      socket.once('error', (err: Error & { code?: string }) => {
        clearTimeout(timer);
        resolve({ ok: false, error: NET_ERRORS[err.code ?? ''] ?? 'connection-reset', text: err.message, closed: true });
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.setNoDelay(true);
        this.#attach(socket);
        resolve(undefined);
      });
    });
  }

  #attach(socket: Socket): void {
    this.#socket = socket;
    const reader = this.#reader;
    socket.on('data', (chunk: Buffer) => reader.feed(chunk));
    socket.on('error', (err: Error & { code?: string }) => reader.fail({ code: 0, kind: 'error', text: err.message, errorCode: err.code ?? 'ECONNRESET' }));
    socket.on('close', () => reader.fail({ code: 0, kind: 'closed', text: 'connection closed by the server' }));
    socket.setTimeout(this.opts.socketTimeoutMs ?? 120_000, () => {
      reader.fail({ code: 0, kind: 'timeout', text: `no reply within ${socket.timeout ?? this.opts.socketTimeoutMs ?? 120_000} ms` });
      socket.destroy();
    });
  }

  /** EHLO, or HELO when the server does not know EHLO; remembers the extensions offered. */
  async #hello(): Promise<SmtpResult | undefined> {
    const ehlo = await this.#command(`EHLO ${this.opts.helo}`);
    if (isFailure(ehlo)) return fromFailure(ehlo);
    this.#caps = new Map();
    if (ehlo.code === 250) {
      for (const line of ehlo.text.split('\n').slice(1)) {
        const [keyword, ...rest] = line.slice(4).trim().split(/\s+/);
        if (keyword) this.#caps.set(keyword.toUpperCase(), rest.join(' '));
      }
      return undefined;
    }
    if (ehlo.code === 421 || ehlo.code < 500) return refused(ehlo, 'EHLO', true);
    const helo = await this.#command(`HELO ${this.opts.helo}`);
    if (isFailure(helo)) return fromFailure(helo);
    return helo.code === 250 ? undefined : refused(helo, 'HELO', true);
  }

  #startTls(): Promise<SmtpResult | undefined> {
    const o = this.opts;
    const plain = this.#socket!;
    if (this.#reader.pending > 0) {
      // Plain-text bytes after the 220 would be read as if they came over TLS (CVE-2011-0411).
      return Promise.resolve({ ok: false, error: 'protocol', text: 'data received after the STARTTLS reply', closed: true });
    }
    plain.removeAllListeners('data');
    plain.removeAllListeners('error');
    plain.removeAllListeners('close');
    plain.setTimeout(0);
    this.#reader = new ReplyReader();
    return new Promise((resolve) => {
      const secure: TLSSocket = tlsConnect({
        socket: plain,
        // The MX name, not the IP, is what a certificate would name (SNI).
        servername: isIP(o.hostName) ? undefined : o.hostName,
        // Opportunistic TLS between MTAs does not verify certificates (RFC 7435); MTA-STS
        // enforce is what demands a valid one (checked against the MX name).
        rejectUnauthorized: o.verifyTls === true,
      });
      const timer = setTimeout(() => {
        secure.destroy();
        resolve({ ok: false, error: 'tls-handshake', text: 'TLS handshake timed out', closed: true });
      }, o.connectTimeoutMs ?? 30_000);
      secure.once('error', (err: Error & { code?: string }) => {
        clearTimeout(timer);
        resolve({ ok: false, error: o.verifyTls && isCertificateError(err) ? 'tls-certificate' : 'tls-handshake', text: err.message, closed: true });
      });
      secure.once('secureConnect', () => {
        clearTimeout(timer);
        secure.removeAllListeners('error');
        this.#tls = { version: secure.getProtocol() ?? 'unknown', cipher: secure.getCipher()?.name ?? 'unknown' };
        this.#attach(secure);
        resolve(undefined);
      });
    });
  }

  #write(s: string): void {
    this.#socket!.write(s, 'utf8');
  }

  #command(line: string): Promise<ReadResult> {
    this.#write(`${line}\r\n`);
    return this.#reader.next();
  }

  /** Waits for the next reply, at most `ms` (the socket's own inactivity timeout is longer). */
  #read(ms: number): Promise<ReadResult> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      this.#reader.next(),
      new Promise<ReadResult>((resolve) => {
        timer = setTimeout(() => resolve({ code: 0, kind: 'timeout', text: `no greeting within ${ms} ms` }), ms);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  #fail(r: SmtpResult): SmtpResult {
    this.#closed = true;
    this.#announced = undefined;
    const socket = this.#socket;
    if (socket && !socket.destroyed) {
      if (this.#reader.failed === undefined && socket.writable) socket.end('QUIT\r\n');
      setTimeout(() => socket.destroy(), 1000).unref();
    }
    return r;
  }
}
