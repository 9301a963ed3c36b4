import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { RelaisError } from '../core/errors.ts';
import { parseSpamdResponse, spamdCheck } from './spamd.ts';
import { spamdBinary, startLocalSpamd } from './spamd-local.ts';

const SAMPLE = [
  'SPAMD/1.1 0 EX_OK',
  'Content-length: 400',
  'Spam: True ; 7.3 / 5.0',
  '',
  'Spam detection software has identified this incoming email as possible spam.',
  '',
  'Content analysis details:   (7.3 points, 5.0 required)',
  '',
  ' pts rule name              description',
  '---- ---------------------- --------------------------------------------------',
  ' 2.7 DEAR_FRIEND            BODY: Dear Friend? That\'s not very dear!',
  ' 1.7 HTML_IMAGE_ONLY_04     BODY: HTML: images with 0-400 bytes of words',
  '-0.1 DKIM_VALID             Message has at least one valid DKIM or DK',
  '                            signature',
  ' 3.0 CUSTOM_RULE            a rule',
  '',
].join('\r\n');

test('parseSpamdResponse reads score, threshold and rules', () => {
  const r = parseSpamdResponse(SAMPLE);
  assert.equal(r.isSpam, true);
  assert.equal(r.score, 7.3);
  assert.equal(r.threshold, 5);
  assert.deepEqual(r.rules.map((x) => [x.name, x.score]), [['DEAR_FRIEND', 2.7], ['HTML_IMAGE_ONLY_04', 1.7], ['DKIM_VALID', -0.1], ['CUSTOM_RULE', 3]]);
  assert.equal(r.rules[2].description, 'Message has at least one valid DKIM or DK signature');
  assert.throws(() => parseSpamdResponse('HTTP/1.1 200 OK\r\n\r\n'), RelaisError);
  assert.throws(() => parseSpamdResponse('SPAMD/1.1 76 Bad header line\r\n\r\n'), /76/);
});

test('spamdCheck: refused connection and silent server are clear errors', async () => {
  const conns: import('node:net').Socket[] = [];
  const silent = createServer((s) => {
    conns.push(s); // accepts and never answers
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as { port: number }).port;
  await assert.rejects(() => spamdCheck('Subject: x\r\n\r\nx', { host: '127.0.0.1', port, timeoutMs: 200 }), (e: unknown) => e instanceof RelaisError && e.code === 'spamd_timeout');
  for (const c of conns) c.destroy();
  await new Promise<void>((r) => silent.close(() => r()));
  await assert.rejects(() => spamdCheck('Subject: x\r\n\r\nx', { host: '127.0.0.1', port, timeoutMs: 2000 }), (e: unknown) => e instanceof RelaisError && e.code === 'spamd_unreachable');
});

test('spamdCheck against a fake spamd speaks SPAMC/1.5', async () => {
  let request = '';
  const srv = createServer((sock) => {
    sock.on('data', (d) => {
      request += d.toString();
    });
    sock.on('end', () => sock.end(SAMPLE));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  const msg = 'Subject: hello\r\n\r\nbody\r\n';
  const r = await spamdCheck(msg, { host: '127.0.0.1', port });
  srv.close();
  assert.equal(request, `REPORT SPAMC/1.5\r\nContent-length: ${Buffer.byteLength(msg)}\r\n\r\n${msg}`);
  assert.equal(r.score, 7.3);
});

test('spamd integration: Debian spamd on loopback scores a spammy fixture above a clean one', async (t) => {
  if (!spamdBinary()) {
    t.skip('spamd not installed (apt-get install spamassassin)');
    return;
  }
  const spamd = await startLocalSpamd({ children: 1 });
  try {
    const dir = join(import.meta.dirname, 'fixtures');
    const spammy = await spamdCheck(readFileSync(join(dir, 'en-marketing-spammy.eml')), { host: spamd.host, port: spamd.port, timeoutMs: 60_000 });
    const clean = await spamdCheck(readFileSync(join(dir, 'en-transactional-clean.eml')), { host: spamd.host, port: spamd.port, timeoutMs: 60_000 });
    assert.equal(spammy.threshold, 5);
    assert.ok(spammy.rules.length > 0);
    assert.ok(spammy.score > clean.score, `${spammy.score} > ${clean.score}`);
  } finally {
    await spamd.stop();
  }
});
