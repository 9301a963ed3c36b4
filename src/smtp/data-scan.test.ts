// The DATA scan installed by scanDataNatively() against smtp-server's own method: the same
// commands and message payloads for random dot-heavy input cut at random places.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SMTPStream } from 'smtp-server/lib/smtp-stream.js';
import { scanDataNatively } from './submission-server.ts';

type Feed = (chunk: Buffer, done: (err?: Error) => void) => void;
const original = (SMTPStream.prototype as unknown as { _feedDataStream: Feed })._feedDataStream;
const installed = scanDataNatively();

test('installed over the smtp-server version it was taken from (after an upgrade: re-check and update the hash)', () => {
  assert.equal(installed, true);
  assert.notEqual((SMTPStream.prototype as unknown as { _feedDataStream: Feed })._feedDataStream, original);
});

async function run(feed: Feed | undefined, chunks: Buffer[]): Promise<string[]> {
  const s = new SMTPStream();
  if (feed) (s as unknown as { _feedDataStream: Feed })._feedDataStream = feed;
  const events: string[] = [];
  s.oncommand = (cmd: Buffer, cb?: () => void) => {
    const line = cmd.toString('binary');
    events.push(`cmd:${line}`);
    if (line === 'DATA') {
      const ds = s.startDataMode(0);
      const parts: Buffer[] = [];
      ds.on('data', (c: Buffer) => parts.push(c));
      ds.on('end', () => {
        events.push(`data:${Buffer.concat(parts).toString('binary')}`);
        setImmediate(() => s.continue());
      });
    }
    cb?.();
  };
  // a write whose callback never comes (the parser waits, e.g. for a continue() this
  // harness does not give) ends the run: both versions must stall at the same point
  for (const c of chunks) {
    const ok = await new Promise<boolean>((r) => {
      const t = setTimeout(() => r(false), 30);
      s.write(c, () => {
        clearTimeout(t);
        r(true);
      });
    });
    if (!ok) {
      events.push('stalled');
      break;
    }
  }
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  s.destroy();
  return events;
}

function rnd(seed: number) {
  let x = seed;
  return (n: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
}

for (const [label, seeds, maxChunk] of [['small', 400, 40], ['large (read in place after kept bytes)', 300, 160]] as const) test(`same commands and payloads as the library for random dot-stuffed input and chunking: ${label} chunks`, async () => {
  const alphabet = ['.', '.', '\r\n', '\r\n', '\n', 'a', 'b', '\r', '..', '\r\n.\r\n', '\r\n..'];
  for (let seed = 1; seed <= seeds; seed++) {
    const r = rnd(seed);
    let script = '';
    for (let m = 0; m < 1 + r(3); m++) {
      let payload = '';
      for (let k = 0; k < r(60); k++) payload += alphabet[r(alphabet.length)];
      // dot-stuff as a client would, except sometimes not (a raw terminator inside)
      const stuffed = r(4) === 0 ? payload : payload.replace(/(^|\n)\./g, '$1..');
      script += `DATA\r\n${stuffed}\r\n.\r\nNOOP ${m}\r\n`;
    }
    const bytes = Buffer.from(script, 'binary');
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; ) {
      const n = 1 + r(r(2) === 0 ? 6 : maxChunk);
      chunks.push(bytes.subarray(at, at + n));
      at += n;
    }
    const want = await run(original, chunks);
    const got = await run(undefined, chunks);
    assert.deepEqual(got, want, `seed ${seed}: ${JSON.stringify(script)}`);
  }
});

test('same as the library for every place one message can be cut in two', async () => {
  const scripts = [
    'DATA\r\nabc\r\n..def\r\n.\r\nNOOP after the first message\r\n',
    'DATA\r\n..lead\r\nx\r\n..\r\n...\r\n.\r\nNOOP and some more bytes\r\n',
    'DATA\r\nline\r\n\r\n.\r\nNOOP with a long enough tail\r\n',
  ];
  for (const script of scripts) {
    const bytes = Buffer.from(script, 'binary');
    for (let cut = 1; cut < bytes.length; cut++) {
      const chunks = [bytes.subarray(0, cut), bytes.subarray(cut)];
      assert.deepEqual(await run(undefined, chunks), await run(original, chunks), `${JSON.stringify(script)} cut at ${cut}`);
    }
  }
});
