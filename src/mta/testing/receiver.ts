// A scriptable receiving MTA for tests (on smtp-server): it plays a provider by answering
// RCPT/DATA with scripted replies, can be slow, and records every message with the peer
// address it came from and the number of concurrent connections per peer address.
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

export interface Received {
  from: string;
  to: string[];
  raw: Buffer;
  peer: string;
  helo: string;
  secure: boolean;
}

/** A reply to script: "550 5.1.1 User unknown" (code first). */
export type Script = (ctx: { to?: string; from?: string; peer: string; count: number }) => string | undefined;

export interface ReceiverOptions {
  host?: string;
  /** reply to RCPT TO (undefined = accept) */
  rcpt?: Script;
  /** reply after DATA (undefined = accept) */
  data?: Script;
  /** wait before answering DATA (slow receiver) */
  dataDelayMs?: number;
  /** offer STARTTLS (default false: smtp-server's self-signed key works but costs time) */
  tls?: boolean;
  /** drop the connection (no reply) at RCPT when this says so */
  dropAtRcpt?: (ctx: { to: string; count: number }) => boolean;
}

export interface Receiver {
  port: number;
  messages: Received[];
  /** replies refused per peer */
  refused: { to: string; reply: string; peer: string }[];
  /** highest number of simultaneous connections seen per peer address */
  maxConcurrent: Map<string, number>;
  connections: number;
  setRcpt(s: Script | undefined): void;
  setData(s: Script | undefined): void;
  close(): Promise<void>;
}

function scriptedError(reply: string): Error & { responseCode: number } {
  const m = /^(\d{3})[ -]?(.*)$/s.exec(reply);
  const e = new Error(m ? m[2] : reply) as Error & { responseCode: number };
  e.responseCode = m ? Number(m[1]) : 451;
  return e;
}

export async function startReceiver(opts: ReceiverOptions = {}): Promise<Receiver> {
  const live = new Map<string, number>();
  let rcpt = opts.rcpt;
  let data = opts.data;
  let rcptCount = 0;
  let dataCount = 0;
  const r: Receiver = {
    port: 0,
    messages: [],
    refused: [],
    maxConcurrent: new Map(),
    connections: 0,
    setRcpt: (s) => {
      rcpt = s;
    },
    setData: (s) => {
      data = s;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const peerOf = (s: SMTPServerSession) => s.remoteAddress.replace(/^::ffff:/, '');
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: opts.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    logger: false,
    size: 50 * 1024 * 1024,
    onConnect(session, cb) {
      const p = peerOf(session);
      r.connections++;
      const n = (live.get(p) ?? 0) + 1;
      live.set(p, n);
      r.maxConcurrent.set(p, Math.max(n, r.maxConcurrent.get(p) ?? 0));
      cb();
    },
    onClose(session) {
      const p = peerOf(session);
      live.set(p, (live.get(p) ?? 1) - 1);
    },
    onRcptTo(addr, session, cb) {
      if (opts.dropAtRcpt?.({ to: addr.address, count: rcptCount + 1 })) {
        rcptCount++;
        // smtp-server keeps its connections in a Set; end this one's socket without a reply.
        const conns = (server as unknown as { connections: Set<{ session: SMTPServerSession; _socket: { destroy(): void } }> }).connections;
        for (const c of conns) if (c.session === session) c._socket.destroy();
        return;
      }
      const reply = rcpt?.({ to: addr.address, from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', peer: peerOf(session), count: ++rcptCount });
      if (reply && !reply.startsWith('2')) {
        r.refused.push({ to: addr.address, reply, peer: peerOf(session) });
        return cb(scriptedError(reply));
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const finish = () => {
          const to = session.envelope.rcptTo.map((a) => a.address);
          const reply = data?.({ to: to[0], peer: peerOf(session), count: ++dataCount });
          if (reply && !reply.startsWith('2')) {
            for (const t of to) r.refused.push({ to: t, reply, peer: peerOf(session) });
            return cb(scriptedError(reply));
          }
          r.messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to,
            raw: Buffer.concat(chunks),
            peer: peerOf(session),
            helo: session.hostNameAppearsAs,
            secure: session.secure,
          });
          cb(null, 'Ok: queued');
        };
        if (opts.dataDelayMs) setTimeout(finish, opts.dataDelayMs);
        else finish();
      });
    },
  });
  // A peer killed mid-session (crash tests) resets its socket: not the receiver's failure.
  server.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, opts.host ?? '127.0.0.1', () => resolve());
  });
  r.port = (server.server.address() as AddressInfo).port;
  return r;
}
