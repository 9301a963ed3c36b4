import assert from 'node:assert/strict';
import { test } from 'node:test';
import { relaxedBody, relaxedBodyParts } from './dkim-canon.ts';

// The copy-free path must give byte-for-byte what the reference loop gives, on bodies that
// take it and on bodies that must fall back.
const bodies: Array<[string, string]> = [
  ['plain CRLF lines', 'line one\r\nline two\r\n'],
  ['trailing empty lines', 'x\r\n\r\n\r\n'],
  ['no final line end', 'abc'],
  ['no final line end, trailing empty lines before', 'a\r\n\r\nb'],
  ['empty', ''],
  ['only empty lines', '\r\n\r\n'],
  ['double space', 'a  b\r\n'],
  ['tab', 'a\tb\r\n'],
  ['space before line end', 'a \r\nb\r\n'],
  ['space at the very end', 'a\r\nb '],
  ['only a space', ' '],
  ['bare LF', 'a\nb\r\n'],
  ['leading bare LF', '\nb\r\n'],
  ['lone CR', 'a\rb\r\n'],
  ['CR CR LF', 'a\r\r\n'],
  ['space before lone CR', 'a \rb\r\n'],
  ['single spaces kept', 'a b c\r\n d\r\n'],
  ['8-bit bytes', 'caf\xe9\r\n'],
];

for (const [name, text] of bodies) {
  test(`relaxedBodyParts equals relaxedBody: ${name}`, () => {
    const b = Buffer.from(text, 'latin1');
    assert.deepEqual(Buffer.concat(relaxedBodyParts(b)), relaxedBody(b));
  });
}

test('relaxedBodyParts returns a view of a clean body, not a copy', () => {
  const b = Buffer.from('x'.repeat(76).concat('\r\n').repeat(1000), 'latin1');
  const parts = relaxedBodyParts(b);
  assert.equal(parts.length, 1);
  assert.equal(parts[0]!.buffer, b.buffer);
  assert.deepEqual(parts[0], relaxedBody(b));
});
