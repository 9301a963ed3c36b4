import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutboundConnection } from './smtp-client.ts';
import { startReceiver } from './testing/receiver.ts';

test('a message given as pieces arrives as their concatenation, dot-stuffed across piece boundaries', async () => {
  const rx = await startReceiver();
  const conn = new OutboundConnection({ address: '127.0.0.1', port: rx.port, hostName: 'localhost', helo: 'relais.test', tls: 'disabled' });
  try {
    assert.equal(await conn.connect(), undefined);
    const pieces = [
      Buffer.from('DKIM-Signature: v=1; a=rsa-sha256\r\n'),
      Buffer.from('From: a@example.test\r\nSubject: x\r\n\r\nline\r\n'),
      // A dot at a line start right at the boundary, and a bare LF, must still be encoded.
      Buffer.from('.dot line\nbare\r\nlast\r\n'),
    ];
    const r = await conn.send('a@example.test', 'b@example.org', pieces);
    assert.equal(r.ok, true);
    const whole = Buffer.concat(pieces);
    const single = await conn.send('a@example.test', 'b@example.org', whole);
    assert.equal(single.ok, true);
    assert.equal(rx.messages.length, 2);
    // The receiver un-stuffs the dot; both ways of sending give the same bytes.
    assert.deepEqual(rx.messages[0]!.raw, rx.messages[1]!.raw);
    assert.match(rx.messages[0]!.raw.toString(), /^DKIM-Signature: v=1; a=rsa-sha256\r\nFrom: a@example.test\r\n[\s\S]*\r\n\.dot line\r\nbare\r\nlast\r\n$/);
  } finally {
    conn.close();
    await rx.close();
  }
});
