import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanLines } from './line-ends.ts';

test('cleanLines: CRLF-only text without leading dots is clean; a bare LF, a bare CR or a dot after a line end is not', () => {
  const rows: [string, boolean][] = [
    ['a\r\nb\r\n', true],
    ['', true],
    ['.first line may start with a dot (the encoder checks that against what came before)\r\n', true],
    ['ends in CR that may pair with what follows\r', true],
    ['a\nb', false],
    ['\nleading bare LF', false],
    ['a\r\n.b', false],
    ['a\rb', false],
    ['a\r\rb', false],
    ['a\r\n\r\n', true],
  ];
  for (const [s, want] of rows) assert.equal(cleanLines(Buffer.from(s, 'latin1')), want, JSON.stringify(s));
});

test('cleanLines agrees with a byte-by-byte reading on random inputs, large ones remembered', () => {
  const alphabet = ['a', ' ', '\r', '\n', '.', '\r\n', '\r\n.', '\t'];
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let k = 0; k < 3000; k++) {
    let s = '';
    const parts = rand(40) + (k % 10 === 0 ? 3000 : 0);
    for (let i = 0; i < parts; i++) s += alphabet[rand(k % 3 === 0 ? 2 : alphabet.length)] ?? '';
    if (k % 3 === 0) s = s.replace(/\r|\n/g, '') + '\r\n';
    const b = Buffer.from(s, 'latin1');
    let want = true;
    for (let i = 0; i < b.length; i++) {
      if (b[i] === 10 && (i === 0 || b[i - 1] !== 13)) want = false;
      if (b[i] === 13 && i + 1 < b.length && b[i + 1] !== 10) want = false;
      if (b[i] === 0x2e && i > 0 && b[i - 1] === 10) want = false;
    }
    assert.equal(cleanLines(b), want, JSON.stringify(s.slice(0, 80)));
    assert.equal(cleanLines(b), want, 'the remembered answer is the same');
  }
});
