// One outbound SMTP connection on nodemailer's SMTPConnection: binds the egress IP as the
// source address, greets with its HELO name, STARTTLS per policy, and turns every result
// into a plain outcome (reply or error kind) the delivery loop can decide on.
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { speedUpDataStream } from './fast-data-stream.ts';
import type { DeliveryErrorKind, SmtpReply } from './policy/retry.ts';
import { parseReply } from './policy/retry.ts';
import type { TlsPolicy } from './policy/shaping.ts';

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
  socketTimeoutMs?: number;
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

type NmError = Error & { code?: string; originalCode?: string; rejectedErrors?: NmError[]; response?: string; responseCode?: number; command?: string; timeoutType?: string };

function errorKind(err: NmError): DeliveryErrorKind {
  const c = err.originalCode ?? err.code ?? '';
  if (c === 'ECONNREFUSED') return 'connection-refused';
  if (c === 'ECONNRESET' || c === 'EPIPE') return 'connection-reset';
  if (c === 'ENETUNREACH' || c === 'EHOSTUNREACH' || c === 'EADDRNOTAVAIL') return 'network-unreachable';
  if (c === 'ETIMEDOUT') return err.timeoutType === 'CONNECT_TIMEOUT' ? 'connection-timeout' : 'command-timeout';
  if (/certificate|self[- ]signed|unable to verify|altnames/i.test(err.message)) return 'tls-certificate';
  if (c === 'ETLS') return /STARTTLS/i.test(err.message) && /not|support/i.test(err.message) ? 'tls-unavailable' : 'tls-handshake';
  if (c === 'EDNS') return 'dns-temporary';
  if (/ECONNREFUSED/.test(err.message)) return 'connection-refused';
  if (/timeout/i.test(err.message)) return 'command-timeout';
  if (/closed|ended|ECONNRESET/i.test(err.message)) return 'connection-reset';
  return 'protocol';
}

function toResult(err: NmError, closed: boolean): SmtpResult {
  if (err.command === 'STARTTLS' || (err.code === 'ETLS' && !err.responseCode)) {
    // TLS demanded (policy or MTA-STS) but refused or broken: the peer's fault, not the message's.
    return { ok: false, error: /certificate|self[- ]signed|unable to verify|altnames/i.test(err.message) ? 'tls-certificate' : err.response ? 'tls-unavailable' : 'tls-handshake', text: err.response ?? err.message, closed: true };
  }
  if (err.response && err.responseCode) {
    const reply = parseReply(err.response) ?? { code: err.responseCode, text: err.response };
    // 421 closes the session (RFC 5321 §3.8); so does anything the library had to abort.
    return { ok: false, reply, command: err.command, closed: closed || reply.code === 421 };
  }
  return { ok: false, error: errorKind(err), text: err.message, closed: true };
}

export class OutboundConnection {
  readonly #conn: SMTPConnection;
  #closed = false;
  #lastError: NmError | undefined;
  readonly opts: ConnectOptions;
  sent = 0;

  constructor(opts: ConnectOptions) {
    this.opts = opts;
    this.#conn = new SMTPConnection({
      host: opts.address,
      port: opts.port,
      name: opts.helo,
      localAddress: opts.localAddress,
      // The MX name, not the IP, is what a certificate would name (SNI).
      servername: isIP(opts.hostName) ? undefined : opts.hostName,
      ignoreTLS: opts.tls === 'disabled' && !opts.verifyTls,
      requireTLS: opts.tls === 'required' || opts.verifyTls === true,
      opportunisticTLS: opts.tls === 'opportunistic' && !opts.verifyTls,
      // Opportunistic TLS between MTAs does not verify certificates (RFC 7435); MTA-STS
      // enforce is what demands a valid one.
      tls: opts.verifyTls ? { rejectUnauthorized: true } : { rejectUnauthorized: false },
      connectionTimeout: opts.connectTimeoutMs ?? 30_000,
      greetingTimeout: opts.connectTimeoutMs ?? 30_000,
      socketTimeout: opts.socketTimeoutMs ?? 120_000,
      socketCloseTimeout: 0,
      allowInternalNetworkInterfaces: true,
      logger: false,
    });
    // The DATA encoder's per-byte loop is skipped for chunks it would not change.
    const conn = this.#conn as unknown as { _createSendStream?: (cb: unknown) => unknown };
    const create = conn._createSendStream;
    if (typeof create === 'function') {
      conn._createSendStream = function (this: unknown, cb: unknown) {
        const stream = create.call(this, cb);
        speedUpDataStream(stream as Parameters<typeof speedUpDataStream>[0]);
        return stream;
      };
    }
    this.#conn.on('error', (err: NmError) => {
      this.#lastError = err;
      this.#closed = true;
    });
    this.#conn.on('end', () => {
      this.#closed = true;
    });
  }

  get closed(): boolean {
    return this.#closed || this.#conn.destroyed;
  }

  /** Resolves with undefined once greeted (and upgraded to TLS when offered/required), else with the failure. */
  connect(): Promise<SmtpResult | undefined> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (r: SmtpResult | undefined) => {
        if (done) return;
        done = true;
        if (r) {
          this.#closed = true;
          this.#conn.close();
        }
        resolve(r);
      };
      // Failures before the greeting arrive as 'error' events, not through the callback.
      this.#conn.once('error', (err: NmError) => finish(toResult(err, true)));
      this.#conn.once('end', () => finish(toResult(this.#lastError ?? Object.assign(new Error('connection closed before the greeting'), { code: 'ECONNRESET' }), true)));
      this.#conn.connect((err) => finish(err ? toResult(err as NmError, true) : undefined));
    });
  }

  tlsInfo(): TlsInfo | undefined {
    const sock = this.#conn._socket as TLSSocket | false | null;
    if (!this.#conn.secure || !sock || typeof sock.getProtocol !== 'function') return undefined;
    return { version: sock.getProtocol() ?? 'unknown', cipher: sock.getCipher()?.name ?? 'unknown' };
  }

  /** `raw`: the message, or its pieces in order (written one after another, never concatenated). */
  send(from: string, to: string, raw: Buffer | readonly Buffer[]): Promise<SmtpResult> {
    if (this.closed) return Promise.resolve(toResult(this.#lastError ?? Object.assign(new Error('connection closed'), { code: 'ECONNRESET' }), true));
    const size = Buffer.isBuffer(raw) ? raw.length : raw.reduce((n, b) => n + b.length, 0);
    const message = Buffer.isBuffer(raw) ? raw : raw.length === 1 ? raw[0]! : Readable.from(raw, { objectMode: false });
    return new Promise((resolve) => {
      this.#conn.send({ from, to: [to], size, use8BitMime: true }, message, (err, info) => {
        this.sent++;
        if (err) {
          const e = err as NmError;
          const rejected = e.rejectedErrors?.[0] as NmError | undefined;
          const r = toResult(rejected?.response ? rejected : e, false);
          if (!r.ok && 'reply' in r && !r.closed && !this.closed) {
            // The server refused this message; the session stays usable after RSET.
            this.#conn.reset((resetErr) => {
              if (resetErr) this.close();
              resolve(r);
            });
            return;
          }
          if (!r.ok && r.closed) this.close();
          resolve(r);
          return;
        }
        resolve({ ok: true, reply: parseReply(info.response) ?? { code: 250, text: info.response } });
      });
    });
  }

  close(): void {
    if (this.#closed && this.#conn.destroyed) return;
    this.#closed = true;
    try {
      this.#conn.quit();
    } catch {
      this.#conn.close();
    }
    // quit() waits for the server's 221; do not keep a slot waiting on it.
    setTimeout(() => this.#conn.close(), 1000).unref();
  }
}
