// A receiving SMTP peer scripted line by line, for testing the client's protocol handling
// where smtp-server would hide it: when replies are sent (all at once, to check pipelining;
// one at a time, to check that a client without PIPELINING waits), what arrives in which
// read, and answers no real server gives (DATA accepted after a refused RCPT, garbage).
import { createServer, type AddressInfo, type Socket } from 'node:net';

export interface PeerSession {
  /** every command line received, in order */
  lines: string[];
  /** the raw chunks as the socket delivered them */
  chunks: Buffer[];
  /** message contents received (between 354 and the final dot, still dot-stuffed) */
  contents: string[];
  write(s: string): void;
  socket: Socket;
}

export interface PeerScript {
  /** sent on connect (default "220 peer.test ESMTP") */
  greeting?: string | null;
  /** EHLO reply lines after the first (default PIPELINING, SIZE, 8BITMIME); null: EHLO is refused */
  extensions?: string[] | null;
  /** a command line other than EHLO/HELO/QUIT and the content; returns reply lines to send now */
  onCommand?: (line: string, s: PeerSession) => string[] | undefined;
  /** the final reply to a content (default "250 2.0.0 queued"); null: none now (the test writes it later) */
  onContent?: (content: string, s: PeerSession) => string | null;
}

export interface RawPeer {
  port: number;
  sessions: PeerSession[];
  close(): Promise<void>;
}

export async function startRawPeer(script: PeerScript = {}): Promise<RawPeer> {
  const sessions: PeerSession[] = [];
  const server = createServer((socket) => {
    let content: string[] | undefined;
    // A 354 among the replies switches to reading content, however it was sent.
    const write = (x: string) => {
      socket.write(x);
      if (/^354/m.test(x)) content = [];
    };
    const s: PeerSession = { lines: [], chunks: [], contents: [], socket, write };
    sessions.push(s);
    socket.on('error', () => {});
    if (script.greeting !== null) socket.write(`${script.greeting ?? '220 peer.test ESMTP'}\r\n`);
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      s.chunks.push(chunk);
      buffered += chunk.toString('utf8');
      for (let nl = buffered.indexOf('\r\n'); nl >= 0; nl = buffered.indexOf('\r\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 2);
        if (content) {
          if (line === '.') {
            const text = content.join('\r\n');
            content = undefined;
            s.contents.push(text);
            const reply = script.onContent ? script.onContent(text, s) : '250 2.0.0 queued';
            if (reply !== null) socket.write(`${reply}\r\n`);
          } else {
            content.push(line);
          }
          continue;
        }
        s.lines.push(line);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' && script.extensions === null) {
          socket.write('502 5.5.2 command not recognized\r\n');
          continue;
        }
        if (verb === 'EHLO') {
          const ext = script.extensions ?? ['PIPELINING', 'SIZE 10485760', '8BITMIME'];
          const all = ['peer.test hello', ...ext];
          socket.write(all.map((l, i) => `250${i < all.length - 1 ? '-' : ' '}${l}\r\n`).join(''));
          continue;
        }
        if (verb === 'HELO') {
          socket.write('250 peer.test\r\n');
          continue;
        }
        if (verb === 'QUIT') {
          socket.end('221 bye\r\n');
          continue;
        }
        const replies = script.onCommand ? script.onCommand(line, s) : defaultReply(line);
        for (const r of replies ?? []) write(`${r}\r\n`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    sessions,
    close: () =>
      new Promise((resolve) => {
        for (const s of sessions) s.socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** One reply per command, as a plain server without surprises answers. */
export function defaultReply(line: string): string[] {
  const verb = line.slice(0, 4).toUpperCase();
  if (verb === 'DATA') return ['354 go ahead'];
  if (verb === 'RSET') return ['250 2.0.0 reset'];
  return ['250 2.1.0 ok'];
}
