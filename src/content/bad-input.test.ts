// Hostile and broken input: every case must end in a report or a clear RelaisError, within
// bounded time and memory, never an unhandled exception.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import { RelaisError } from '../core/errors.ts';
import { checkContent } from './check.ts';
import { zipOf } from './rules/zip-fixture.ts';

function nested(depth: number): string {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    open += `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n`;
    close = `\r\n--b${i}--\r\n${close}`;
  }
  return `From: a@b.example\r\nSubject: nest\r\nDate: Sun, 29 Nov 2026 10:00:00 +0100\r\nMessage-ID: <n@b.example>\r\nMIME-Version: 1.0\r\n${open}Content-Type: text/plain\r\n\r\nhello there\r\n${close}`;
}

async function timed<T>(fn: () => Promise<T>, maxMs: number): Promise<T> {
  const t = performance.now();
  const r = await fn();
  const ms = performance.now() - t;
  assert.ok(ms < maxMs, `took ${Math.round(ms)} ms (limit ${maxMs})`);
  return r;
}

test('deep multipart nesting: a MIME_DEEP_NESTING hit, not a crash', async () => {
  for (const depth of [20, 3000]) {
    const r = await timed(() => checkContent({ raw: nested(depth) }), 5000);
    assert.ok(r.hits.some((h) => h.rule === 'MIME_DEEP_NESTING'), `depth ${depth}: ${r.hits.map((h) => h.rule)}`);
  }
});

test('multipart without boundary and unknown charset are reported', async () => {
  const raw = 'From: a@b.example\r\nSubject: x\r\nContent-Type: multipart/alternative\r\n\r\n--x\r\nContent-Type: text/plain; charset=klingon-8\r\n\r\nhello\r\n';
  const r = await checkContent({ raw });
  assert.ok(r.hits.some((h) => h.rule === 'MIME_MALFORMED'));
  const r2 = await checkContent({ raw: 'From: a@b.example\r\nSubject: x\r\nContent-Type: text/plain; charset="x-klingon"\r\n\r\nqapla\r\n' });
  assert.ok(r2.hits.some((h) => h.rule === 'MIME_UNKNOWN_CHARSET' && /klingon/.test(h.description)));
});

test('garbage, binary and empty input give reports', async () => {
  const inputs: (string | Buffer)[] = ['', '\r\n\r\n', 'no headers at all, just text', Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 256)), 'Subject: =?x-unknown?Q?=FF=FE?=\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n'];
  for (const raw of inputs) {
    const r = await timed(() => checkContent({ raw }), 3000);
    assert.equal(typeof r.score, 'number');
    assert.ok(Number.isFinite(r.score));
  }
});

test('10 MB of HTML is checked in bounded time', async () => {
  const html = `<html><body>${'<div><p>Nieuwe collectie, <b>gratis</b> verzending <a href="https://shop.example/p">bekijk</a></p></div>\n'.repeat(100_000)}</body></html>`;
  assert.ok(html.length > 9_000_000);
  const r = await timed(() => checkContent({ subject: 'groot', html, text: 'kort' }), 15_000);
  assert.ok(r.hits.some((h) => h.rule === 'HTML_LARGE'));
  const raw = `From: a@b.example\r\nSubject: big\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}`;
  const r2 = await timed(() => checkContent({ raw }), 30_000);
  assert.ok(r2.hits.some((h) => h.rule === 'HTML_LARGE' || h.rule === 'MESSAGE_LARGE'));
});

test('messages above the size limit are refused with a clear error', async () => {
  await assert.rejects(
    () => checkContent({ raw: 'x'.repeat(2_000_000) }, { maxRawBytes: 1_000_000 }),
    (e: unknown) => e instanceof RelaisError && e.code === 'content_too_large' && e.status === 413,
  );
});

test('HTML with script, event handlers and javascript: links is flagged, never run', async () => {
  const html = '<p onclick="steal()">Hi</p><script>while(true){}</script><a href="javascript:alert(1)">x</a><img src=x onerror="alert(1)">';
  const r = await timed(() => checkContent({ subject: 'x', html }), 2000);
  assert.ok(r.hits.some((h) => h.rule === 'HTML_SCRIPT'));
});

test('zip bomb attachment: detected from the directory, never inflated', async () => {
  // 200 MB of zeros declared, a few hundred KB on the wire
  const chunk = deflateRawSync(Buffer.alloc(20 * 1024 * 1024));
  const zip = zipOf(Array.from({ length: 10 }, (_, i) => ({ name: `part${i}.bin`, data: chunk, size: 20 * 1024 * 1024 })));
  const raw = `From: a@b.example\r\nSubject: bomb\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="z"\r\n\r\n--z\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n--z\r\nContent-Type: application/zip\r\nContent-Disposition: attachment; filename="data.zip"\r\nContent-Transfer-Encoding: base64\r\n\r\n${zip.toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n--z--\r\n`;
  const before = process.memoryUsage().rss;
  const r = await timed(() => checkContent({ raw }), 5000);
  assert.ok(r.hits.some((h) => h.rule === 'ATTACH_ZIP_BOMB'), r.hits.map((h) => h.rule).join(','));
  assert.ok(process.memoryUsage().rss - before < 150 * 1024 * 1024, 'memory grew as if inflated');
});
