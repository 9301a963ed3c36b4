import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '../core/errors.ts';
import { parseContentCheckRequest } from './request.ts';

test('valid bodies', () => {
  assert.deepEqual(parseContentCheckRequest({ raw: 'Subject: x\r\n\r\nhi', stream: 'marketing' }), { raw: 'Subject: x\r\n\r\nhi', stream: 'marketing' });
  const p = parseContentCheckRequest({ subject: 'Hallo', html: '<p>x</p>', headers: { 'List-Unsubscribe': '<https://x.example/u>' }, attachments: [{ filename: 'a.pdf', contentType: 'application/pdf', size: 10 }] });
  assert.equal('raw' in p, false);
  assert.equal((p as { subject?: string }).subject, 'Hallo');
});

test('invalid bodies are ValidationErrors naming the field', () => {
  const table: [unknown, string][] = [
    [null, 'JSON object'],
    [[], 'JSON object'],
    [{}, 'at least one'],
    [{ subject: 'x', htmlPart: '<p>' }, 'unknown field htmlPart'],
    [{ raw: 'x', subject: 'y' }, 'cannot be combined'],
    [{ raw: '' }, 'non-empty'],
    [{ raw: 5 }, 'raw must be a string'],
    [{ subject: 'x', stream: 'bulk' }, 'stream'],
    [{ subject: 'x', headers: { 'Bad Name': 'v' } }, 'invalid'],
    [{ subject: 'x', headers: { X: 1 } }, 'must be a string'],
    [{ subject: 'x', attachments: [{ filename: 'a', contentType: 'nope', size: 1 }] }, 'MIME type'],
    [{ subject: 'x', attachments: [{ filename: 'a', contentType: 'text/plain', size: -1 }] }, 'non-negative'],
    [{ subject: 'x', attachments: [{ filename: 'a', contentType: 'text/plain', size: 1, content: 'x' }] }, 'unknown field'],
  ];
  for (const [body, msg] of table) {
    assert.throws(() => parseContentCheckRequest(body), (e: unknown) => e instanceof ValidationError && e.message.includes(msg), JSON.stringify(body));
  }
});
