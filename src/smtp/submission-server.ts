// SMTP submission (STARTTLS port and implicit-TLS port): AUTH PLAIN/LOGIN with an API key
// id and secret, only after TLS; Mailjet's X-MJ-* control headers are honoured and
// stripped; the message then runs through the same intake pipeline as the HTTP API and is
// acknowledged with 250 only once it is durable in the spool.
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { createHash } from 'node:crypto';
import { SMTPServer, type SMTPServerAuthentication, type SMTPServerSession } from 'smtp-server';
import { SMTPStream } from 'smtp-server/lib/smtp-stream.js';
import type { Metrics } from '../api/metrics.ts';
import type { TenantAuthenticator } from '../api/auth.ts';
import type { Config } from '../core/config.ts';
import type { Stream } from '../core/events.ts';
import { validateAddress } from '../intake/mailjet/address.ts';
import { headerFields, takeMailjetSmtpHeaders } from '../intake/mailjet/smtp-headers.ts';
import { runIntake } from '../intake/pipeline.ts';
import { newRecipient } from '../intake/steps.ts';
import type { Draft, IntakeContext } from '../intake/types.ts';
import { giveBodyToSpool } from '../store/spool-writer.ts';
import { findTenant } from '../store/tenants-repo.ts';
import { greetPromptly } from './prompt-greeting.ts';
import type { Store } from '../store/database.ts';
import { type SmtpError, smtpError } from './smtp-error.ts';


export function trustedNetworks(cidrs: string[]): BlockList {
  const list = new BlockList();
  for (const c of cidrs) {
    const [net, bits] = c.split('/');
    const type = isIPv6(net) ? 'ipv6' : 'ipv4';
    if (!isIPv4(net) && !isIPv6(net)) throw new Error(`smtpTrustedNetworks: "${c}" is not a CIDR network`);
    list.addSubnet(net, bits === undefined ? (type === 'ipv4' ? 32 : 128) : Number(bits), type);
  }
  return list;
}

function remoteIp(session: SMTPServerSession): string {
  return session.remoteAddress.replace(/^::ffff:/, '');
}

export interface SubmissionDeps {
  config: Config;
  store: Store;
  auth: TenantAuthenticator;
  intake: IntakeContext;
  metrics: Metrics;
  tls: { cert: Buffer; key: Buffer };
}

/** Finds the first address in a From header value: `Name <a@b>` or `a@b`. */
export function headerAddress(value: string): string | undefined {
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(value);
  if (angle) return angle[1];
  const bare = /([^\s<>",;:]+@[^\s<>",;]+)/.exec(value);
  return bare?.[1];
}

// smtp-server looks for the end of DATA ("\r\n.\r\n") and for dot-stuffed lines by testing
// every byte of the message in a JavaScript loop: about a fifth of a millisecond per 100 KB
// message, a tenth of what intake costs. scanDataNatively() installs the same method with
// that loop replaced by Buffer#indexOf("\n."), which visits exactly the positions the loop
// acts on, in the same order; everything else is the library's code unchanged (smtp-server
// 3.21, MIT-0). It is installed only over the exact version it was taken from (checked by a
// hash of the method's source): after an upgrade the library's own method stays, and a
// test says so.
export const DATA_SCAN_SOURCE_SHA256 = '9d8b903f9a3a63542d72e19a9e2f67009a3b1107a28d57e8e7369355454ff230';
const END_SEQUENCE = Buffer.from('\r\n.\r\n');
const DOT_START = Buffer.from('.\r\n');
const LF_DOT = Buffer.from('\n.');

interface StreamInternals {
  _dataStream: NodeJS.WritableStream & { writable: boolean; destroyed: boolean };
  _lastBytes: Buffer | false;
  _atDataStart: boolean;
  _countDataBytes(len: number): void;
  _endDataMode(chunk: Buffer | false, remainder: Buffer, done: (err?: Error) => void): void;
  _feedDataStream(chunk: Buffer, done: (err?: Error) => void): void;
}

function feedDataStream(this: StreamInternals, chunk: Buffer, done: (err?: Error) => void): void {
  const dataStream = this._dataStream;
  let buf: Buffer;
  const kept = this._lastBytes;
  if (kept !== false && kept.length > 0) {
    // The library copies every chunk behind the few bytes it kept from the last one (a
    // terminator may straddle the two): ~50 KB copied per 100 KB message. A large chunk is
    // read in place instead, the kept bytes looked at on their own.
    if (!this._atDataStart && chunk.length >= 16) {
      feedAfterKept.call(this, kept, chunk, done);
      return;
    }
    chunk = Buffer.concat([kept, chunk], kept.length + chunk.length);
    this._lastBytes = false;
  }
  let len = chunk.length;
  if (this._atDataStart && len >= 3 && Buffer.compare(chunk.subarray(0, 3), DOT_START) === 0) {
    this._endDataMode(false, chunk.subarray(3), done);
    return;
  }
  if (this._atDataStart && len >= 2 && chunk[0] === 0x2e && chunk[1] === 0x2e) {
    chunk = chunk.subarray(1);
    len--;
    this._atDataStart = false;
  }
  // the library: for (i = 2; i < len - 2; i++) if (chunk[i] === 0x2e && chunk[i - 1] === 0x0a) ...
  for (let lf = chunk.indexOf(LF_DOT, 1); lf >= 0 && lf + 1 < len - 2; lf = chunk.indexOf(LF_DOT, lf + 1)) {
    const i = lf + 1;
    if (Buffer.compare(chunk.subarray(i - 2, i + 3), END_SEQUENCE) === 0) {
      buf = chunk.subarray(0, i);
      this._countDataBytes(buf.length);
      this._endDataMode(buf, chunk.subarray(i + 3), done);
      return;
    }
    if (chunk[i + 1] === 0x2e) {
      buf = chunk.subarray(0, i);
      this._lastBytes = false;
      this._countDataBytes(buf.length);
      if (dataStream.writable) dataStream.write(buf);
      const rest = chunk.subarray(i + 1);
      setImmediate(() => this._feedDataStream(rest, done));
      return;
    }
  }
  const last = chunk.length < 4 ? chunk : chunk.subarray(chunk.length - 4);
  this._lastBytes = last;
  if (last.length >= chunk.length) {
    done();
    return;
  }
  buf = chunk.subarray(0, chunk.length - last.length);
  this._countDataBytes(buf.length);
  if (!dataStream.writable) {
    done();
    return;
  }
  writeThenDone(dataStream, buf, done);
}

/** Writes to the data stream and calls done once it may take more (drained, or closed). */
function writeThenDone(dataStream: StreamInternals['_dataStream'], buf: Buffer, done: () => void): void {
  const handled = dataStream.write(buf);
  if (handled || dataStream.destroyed) {
    done();
    return;
  }
  // a stream that the application destroys never drains, it only closes
  const onDrain = () => {
    dataStream.removeListener('drain', onDrain);
    dataStream.removeListener('close', onDrain);
    done();
  };
  dataStream.once('drain', onDrain);
  dataStream.once('close', onDrain);
}

/**
 * feedDataStream for `kept ++ chunk` without making that buffer: the same positions in the
 * same order, and the same bytes to the data stream (the kept ones as a write of their own).
 * Only for a chunk of 16 bytes or more after the start of the data.
 */
function feedAfterKept(this: StreamInternals, kept: Buffer, chunk: Buffer, done: (err?: Error) => void): void {
  const dataStream = this._dataStream;
  this._lastBytes = false;
  const k = kept.length;
  const len = k + chunk.length;
  const at = (v: number) => (v < k ? kept[v] : chunk[v - k]);
  const from = (v: number) => (v >= k ? chunk.subarray(v - k) : Buffer.concat([kept.subarray(v), chunk]));
  // writes V[0, end) but its last piece, which it returns
  const writeHead = (end: number): Buffer => {
    if (end <= k) return kept.subarray(0, end);
    if (dataStream.writable) dataStream.write(kept);
    return chunk.subarray(0, end - k);
  };
  const lineStarts: number[] = [];
  for (let lf = 1; lf < k; lf++) if (kept[lf] === 0x0a && at(lf + 1) === 0x2e) lineStarts.push(lf);
  const inChunk = (after: number) => {
    const p = chunk.indexOf(LF_DOT, after);
    return p < 0 ? -1 : p + k;
  };
  let next = 0;
  for (let lf = lineStarts.length > 0 ? lineStarts[next++]! : inChunk(0); lf >= 0 && lf + 1 < len - 2; lf = next < lineStarts.length ? lineStarts[next++]! : inChunk(Math.max(0, lf + 1 - k))) {
    const i = lf + 1;
    if (at(i - 2) === 0x0d && at(i - 1) === 0x0a && at(i + 1) === 0x0d && at(i + 2) === 0x0a) {
      this._countDataBytes(i);
      const last = writeHead(i);
      this._endDataMode(last, from(i + 3), done);
      return;
    }
    if (at(i + 1) === 0x2e) {
      this._countDataBytes(i);
      const last = writeHead(i);
      if (dataStream.writable && last.length > 0) dataStream.write(last);
      const rest = from(i + 1);
      setImmediate(() => this._feedDataStream(rest, done));
      return;
    }
  }
  this._lastBytes = chunk.subarray(chunk.length - 4);
  this._countDataBytes(len - 4);
  if (!dataStream.writable) {
    done();
    return;
  }
  writeThenDone(dataStream, writeHead(len - 4), done);
}

let scanChecked: boolean | undefined;
/** Installs feedDataStream over the version it was taken from; true when installed. */
export function scanDataNatively(): boolean {
  if (scanChecked !== undefined) return scanChecked;
  const proto = SMTPStream.prototype as unknown as StreamInternals;
  const original = proto._feedDataStream;
  scanChecked = typeof original === 'function' && createHash('sha256').update(original.toString()).digest('hex') === DATA_SCAN_SOURCE_SHA256;
  if (scanChecked) proto._feedDataStream = feedDataStream;
  return scanChecked;
}

export function createSubmissionServer(deps: SubmissionDeps, secure: boolean): SMTPServer {
  greetPromptly();
  scanDataNatively();
  const trusted = deps.config.smtpTrustedNetworks.length > 0 ? trustedNetworks(deps.config.smtpTrustedNetworks) : null;
  const trustedTenant = deps.config.smtpTrustedTenant ? Number(deps.config.smtpTrustedTenant) : undefined;
  const isTrusted = (s: SMTPServerSession) => {
    if (!trusted) return false;
    const ip = remoteIp(s);
    return trusted.check(ip, isIPv6(ip) ? 'ipv6' : 'ipv4');
  };

  const tenantStatus = tenantStatusCache(deps.store);

  const server = new SMTPServer({
    secure,
    key: deps.tls.key,
    cert: deps.tls.cert,
    name: deps.config.hostname,
    banner: 'Relais ESMTP submission',
    size: deps.config.smtpMaxMessageBytes,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: false, // AUTH before STARTTLS gets 538
    authOptional: true, // checked per MAIL FROM, so trusted networks can skip AUTH
    disabledCommands: [],
    // no PTR lookup per connection: it costs a DNS round trip and Relais does not use it
    disableReverseLookup: true,
    logger: false,
    onAuth(auth: SMTPServerAuthentication, _session, cb) {
      const header = `Basic ${Buffer.from(`${auth.username ?? ''}:${auth.password ?? ''}`).toString('base64')}`;
      deps.auth.authenticate(header, 'send').then(
        (o) => {
          if (!o.ok) return cb(smtpError(535, `5.7.8 ${o.message}`));
          cb(null, { user: o.principal.tenant.id });
        },
        (err) => cb(smtpError(454, `4.7.0 temporary authentication failure: ${(err as Error).message}`)),
      );
    },
    onMailFrom(address, session, cb) {
      // smtp-server leaves session.user false (not undefined) before AUTH
      if (!session.user && !(isTrusted(session) && trustedTenant !== undefined)) {
        return cb(smtpError(530, '5.7.0 Authentication required (AUTH after STARTTLS, with an API key id and secret)'));
      }
      if (address.address && !validateAddress(address.address).ok) return cb(smtpError(553, `5.1.7 invalid sender address <${address.address}>`));
      cb();
    },
    onRcptTo(address, _session, cb) {
      const v = validateAddress(address.address);
      if (!v.ok) return cb(smtpError(553, `5.1.3 invalid recipient address <${address.address}>`));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        chunks.push(c);
        size += c.length;
      });
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          deps.metrics.intakeMessages.inc({ source: 'smtp', outcome: 'too-large' });
          return cb(smtpError(552, `5.3.4 message exceeds the size limit of ${deps.config.smtpMaxMessageBytes} bytes`));
        }
        const started = performance.now();
        const raw = withHeadroom(chunks, size);
        // Let go of the socket's chunks now: held while the spool commits, they would
        // survive young-generation collections and pile up until a full one.
        chunks.length = 0;
        acceptData(raw, session, deps, trustedTenant, tenantStatus).then(
          (text) => {
            deps.metrics.intakeSeconds.observe({ source: 'smtp' }, (performance.now() - started) / 1000);
            cb(null, text);
          },
          (err: SmtpError) => cb(err.responseCode ? err : smtpError(451, `4.3.0 temporary failure, try again: ${err.message}`)),
        );
      });
    },
  });
  server.on('error', () => {}); // per-connection errors are the client's problem
  return server;
}

// The headers Relais adds (Date, Message-ID, Feedback-ID) go in front of the message. The
// DATA chunks are joined once into a buffer with this much room before the message, so
// adding them writes into that room instead of copying the whole message a second time.
const HEADROOM = 512;

function withHeadroom(chunks: Buffer[], size: number): Buffer {
  const buf = Buffer.allocUnsafeSlow(HEADROOM + size);
  let at = HEADROOM;
  for (const c of chunks) at += c.copy(buf, at);
  return buf.subarray(HEADROOM, at);
}

/** `lines` in front of `raw`: in the headroom withHeadroom left when there is one, else a copy. */
function prepend(lines: string, raw: Buffer): Buffer {
  const len = Buffer.byteLength(lines);
  if (raw.byteOffset >= len && raw.byteOffset === HEADROOM && raw.buffer.byteLength === HEADROOM + raw.length) {
    const whole = Buffer.from(raw.buffer, raw.byteOffset - len, len + raw.length);
    whole.write(lines, 0);
    return whole;
  }
  return Buffer.concat([Buffer.from(lines), raw]);
}

// A trusted-network submission names its tenant in the configuration; reading the
// tenant's status once a second (not once a message) keeps a query off every message.
// A suspension takes effect within that second.
function tenantStatusCache(store: Store) {
  const cache = new Map<number, { at: number; status: 'active' | 'suspended' | 'unknown' }>();
  return async (id: number) => {
    const hit = cache.get(id);
    if (hit && Date.now() - hit.at < 1000) return hit.status;
    const t = await findTenant(store, id);
    const status = t ? t.status : 'unknown';
    if (cache.size > 1000) cache.clear();
    cache.set(id, { at: Date.now(), status });
    return status;
  };
}

async function acceptData(raw0: Buffer, session: SMTPServerSession, deps: SubmissionDeps, trustedTenant: number | undefined, tenantStatus: (id: number) => Promise<'active' | 'suspended' | 'unknown'>): Promise<string> {
  const authed = typeof session.user === 'number' ? session.user : undefined;
  const tenantId = authed ?? trustedTenant;
  if (tenantId === undefined) throw smtpError(530, '5.7.0 Authentication required');
  if (authed === undefined) {
    // trusted-network submission: the named tenant must still exist and be active
    const status = await tenantStatus(tenantId);
    if (status !== 'active') throw smtpError(554, `5.7.1 trusted tenant ${tenantId} is ${status}`);
  }
  const control = takeMailjetSmtpHeaders(raw0);
  if (control.errors.length > 0) throw smtpError(550, `5.6.0 ${control.errors.join('; ')}`);
  let raw = control.message;
  const { fields } = headerFields(raw);
  const get = (n: string) => fields.find((f) => f.name.toLowerCase() === n)?.value.trim();
  const fromHeader = get('from');
  const fromAddress = fromHeader ? headerAddress(fromHeader) : undefined;
  if (!fromAddress) throw smtpError(550, '5.6.0 the message has no From header with an address');
  const added: string[] = [];
  if (!get('date')) added.push(`Date: ${new Date().toUTCString().replace('GMT', '+0000')}`);
  let messageIdHeader = get('message-id');
  if (!messageIdHeader) {
    messageIdHeader = `<${crypto.randomUUID()}@${deps.config.hostname}>`;
    added.push(`Message-ID: ${messageIdHeader}`);
  }
  const streamHeader = get('x-relais-stream');
  const stream: Stream = streamHeader === 'marketing' || streamHeader === 'transactional' ? streamHeader : control.options.customCampaign ? 'marketing' : 'transactional';
  const opts = control.options;
  const campaignPart = (opts.customCampaign ?? 'none').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60);
  if (!get('feedback-id')) added.push(`Feedback-ID: ${campaignPart}:${tenantId}:${stream}:relais`);
  if (added.length > 0) raw = prepend(`${added.join('\r\n')}\r\n`, raw);

  const draft: Draft = {
    tenantId,
    source: 'smtp',
    stream,
    sandbox: false,
    options: opts,
    raw,
    envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    fromAddress,
    subject: get('subject') ?? null,
    recipients: session.envelope.rcptTo.map((r) => newRecipient(r.address, 'to')),
    messageIdHeader,
    warnings: [],
  };
  // The buffer withHeadroom made is this message's alone: the spool may move it to its
  // writer thread rather than copy it (the draft's raw reads as empty after the spool step).
  if (raw.buffer === raw0.buffer && raw0.byteOffset === HEADROOM) giveBodyToSpool(raw);
  const [outcome] = await runIntake([draft], deps.intake);
  if (!outcome.ok) {
    deps.metrics.intakeMessages.inc({ source: 'smtp', outcome: 'rejected' });
    const s = outcome.rejection.smtp;
    throw smtpError(s.code, `${s.enhanced} ${s.text}`);
  }
  deps.metrics.intakeMessages.inc({ source: 'smtp', outcome: 'accepted' });
  const ids = draft.recipients.map((r) => r.id).join(',');
  return `2.0.0 queued as ${ids}`;
}
