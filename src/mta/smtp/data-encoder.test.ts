import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataEncoder, passesUnchanged } from './data-encoder.ts';

// An independent reference: nodemailer's DATA encoder (not exported; loaded by path).
const { default: DataStream } = await import(new URL('../../../node_modules/nodemailer/dist/esm/smtp-connection/data-stream.js', import.meta.url).href);

function reference(chunks: Buffer[]): Promise<Buffer> {
  const s = new DataStream();
  const out: Buffer[] = [];
  s.on('data', (d: Buffer) => out.push(d));
  return new Promise((resolve) => {
    s.on('end', () => resolve(Buffer.concat(out)));
    for (const c of chunks) s.write(c);
    s.end();
  });
}

function ours(chunks: Buffer[]): Buffer {
  const e = new DataEncoder();
  return Buffer.concat([...chunks.map((c) => e.encode(c)), e.end()]);
}

test('passesUnchanged: canonical CRLF text yes; bare CR/LF and leading dots no', () => {
  const rows: [string, number | false, boolean][] = [
    ['a\r\nb\r\n', false, true],
    ['a\nb', false, false],
    ['a\rb', false, false],
    ['.a', false, false],
    ['a\r\n.b', false, false],
    ['\nb', 0x0d, true],
    ['b', 0x0d, false],
    ['.b', 0x0a, false],
    ['a\r', false, true],
    ['', false, true],
  ];
  for (const [s, last, want] of rows) assert.equal(passesUnchanged(Buffer.from(s), last), want, JSON.stringify([s, last]));
});

test('canonical chunks are passed on as the same Buffer (no copy)', () => {
  const e = new DataEncoder();
  const a = Buffer.from('Subject: x\r\n\r\nline\r\n');
  assert.equal(e.encode(a), a);
  const b = Buffer.from('.dot\r\n');
  assert.notEqual(e.encode(b), b);
});

test('dot-stuffing, line ends and the terminator', () => {
  const cases: [string[], string][] = [
    [['a\r\n.b\r\n'], 'a\r\n..b\r\n.\r\n'],
    [['.first\r\n'], '..first\r\n.\r\n'],
    [['a\r\n', '.b'], 'a\r\n..b\r\n.\r\n'],
    [['bare\nlf'], 'bare\r\nlf\r\n.\r\n'],
    [['cr\r', '\nsplit'], 'cr\r\nsplit\r\n.\r\n'],
    [['lone\r'], 'lone\r\n.\r\n'],
    [['.\r\n'], '..\r\n.\r\n'],
    [[], '.\r\n'],
  ];
  for (const [chunks, want] of cases) assert.equal(ours(chunks.map((c) => Buffer.from(c))).toString(), want, JSON.stringify(chunks));
});

test('the encoder emits exactly what nodemailer emits, across random chunk boundaries', async () => {
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  const alphabet = ['a', 'b', '.', '\r\n', '\r\n.', '\n', '\r', ' ', '..', '\r\n\r\n'];
  for (let round = 0; round < 2000; round++) {
    let s = '';
    const n = 1 + rnd(60);
    // Mostly canonical text, sometimes with the awkward pieces.
    for (let i = 0; i < n; i++) s += rnd(4) === 0 ? alphabet[rnd(alphabet.length)] : 'line of text\r\n';
    const buf = Buffer.from(s);
    const chunks: Buffer[] = [];
    for (let i = 0; i < buf.length; ) {
      const step = 1 + rnd(40);
      chunks.push(buf.subarray(i, i + step));
      i += step;
    }
    assert.deepEqual(ours(chunks), await reference(chunks), JSON.stringify(s));
  }
});
