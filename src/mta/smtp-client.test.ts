import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutboundConnection } from './smtp-client.ts';
import { defaultReply, startRawPeer } from './testing/raw-smtp-peer.ts';
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

/** A raw peer and a connection to it, both closed after `fn`. */
async function withRawPeer(peerOpts: Parameters<typeof startRawPeer>[0], connOpts: Partial<ConstructorParameters<typeof OutboundConnection>[0]>, fn: (conn: OutboundConnection, peer: Awaited<ReturnType<typeof startRawPeer>>) => Promise<void>): Promise<void> {
  const peer = await startRawPeer(peerOpts);
  const conn = await connected(peer.port, connOpts);
  try {
    await fn(conn, peer);
  } finally {
    conn.close();
    await peer.close();
  }
}

async function connected(port: number, extra: Partial<ConstructorParameters<typeof OutboundConnection>[0]> = {}) {
  const conn = new OutboundConnection({ address: '127.0.0.1', port, hostName: 'peer.test', helo: 'relais.test', tls: 'disabled', socketTimeoutMs: 3000, ...extra });
  assert.equal(await conn.connect(), undefined);
  return conn;
}

const MSG = Buffer.from('From: a@example.test\r\nSubject: x\r\n\r\nbody\r\n');

test('PIPELINING: MAIL, RCPT and DATA leave in one write, before any reply; SIZE and BODY=8BITMIME are declared', async () => {
  // The peer answers nothing until DATA has arrived: a client waiting for the MAIL reply
  // would time out here.
  await withRawPeer({ onCommand: (line) => (line === 'DATA' ? ['250 2.1.0 sender ok', '250 2.1.5 recipient ok', '354 go ahead'] : undefined) }, {}, async (conn, peer) => {
      const r = await conn.send('a@example.test', 'b@example.org', MSG);
      assert.deepEqual(r.ok && r.reply.code, 250);
      const s = peer.sessions[0]!;
      assert.deepEqual(s.lines.slice(1, 4), [`MAIL FROM:<a@example.test> SIZE=${MSG.length} BODY=8BITMIME`, 'RCPT TO:<b@example.org>', 'DATA']);
      assert.ok(s.chunks.some((c) => c.toString() === `MAIL FROM:<a@example.test> SIZE=${MSG.length} BODY=8BITMIME\r\nRCPT TO:<b@example.org>\r\nDATA\r\n`), 'one write for the three commands');
      assert.equal(s.contents[0], 'From: a@example.test\r\nSubject: x\r\n\r\nbody');
  });
});

test('without PIPELINING the client waits for each reply before the next command', async () => {
  let unanswered = 0;
  let most = 0;
  await withRawPeer({
    extensions: ['8BITMIME'],
    onCommand: (line, s) => {
      unanswered++;
      most = Math.max(most, unanswered);
      // Answer a little later, so a client that did not wait would have sent more by now.
      setTimeout(() => {
        unanswered--;
        for (const r of defaultReply(line)) s.write(`${r}\r\n`);
      }, 20);
      return undefined;
    },
  }, {}, async (conn, peer) => {
      const r = await conn.send('a@example.test', 'b@example.org', MSG);
      assert.equal(r.ok, true);
      assert.equal(most, 1);
      assert.deepEqual(peer.sessions[0]!.lines.slice(1, 4), ['MAIL FROM:<a@example.test> BODY=8BITMIME', 'RCPT TO:<b@example.org>', 'DATA']);
  });
});

test('pipelined RCPT refused: its reply is the result, no content is sent, RSET keeps the session for the next message', async () => {
  let n = 0;
  await withRawPeer({
    onCommand: (line) => {
      if (line.startsWith('RCPT')) return ++n === 1 ? ['550-5.1.1 The email account that you tried to reach does not exist.', '550 5.1.1 Please try again.'] : ['250 ok'];
      if (line === 'DATA') return n === 1 ? ['503 5.5.1 No valid recipients'] : ['354 go'];
      return defaultReply(line);
    },
  }, {}, async (conn, peer) => {
      const r = await conn.send('a@example.test', 'gone@example.org', MSG);
      assert.equal(r.ok, false);
      assert.ok(!r.ok && 'reply' in r);
      if (!r.ok && 'reply' in r) {
        assert.equal(r.reply.code, 550);
        assert.equal(r.reply.enhanced, '5.1.1');
        assert.equal(r.command, 'RCPT TO');
        assert.equal(r.closed, false);
        assert.match(r.reply.text, /does not exist\.\n550 5\.1\.1 Please/);
      }
      assert.equal(peer.sessions[0]!.contents.length, 0);
      assert.ok(peer.sessions[0]!.lines.includes('RSET'));
      const again = await conn.send('a@example.test', 'here@example.org', MSG);
      assert.equal(again.ok, true);
      assert.equal(peer.sessions.length, 1, 'same session');
  });
});

test('DATA accepted although the only RCPT was refused: the client ends it with an empty content and resets', async () => {
  await withRawPeer({ onCommand: (line) => (line.startsWith('RCPT') ? ['550 5.1.1 unknown'] : defaultReply(line)) }, {}, async (conn, peer) => {
      const r = await conn.send('a@example.test', 'gone@example.org', MSG);
      assert.ok(!r.ok && 'reply' in r && r.reply.code === 550 && r.command === 'RCPT TO');
      const s = peer.sessions[0]!;
      assert.deepEqual(s.contents, [''], 'an empty content, never the message');
      assert.equal(s.lines.at(-1), 'RSET');
  });
});

test('421 to MAIL FROM with the connection closed: the 421 is the result, and the connection counts as closed', async () => {
  await withRawPeer({
    onCommand: (line, s) => {
      if (line.startsWith('MAIL')) {
        s.socket.end('421 4.7.0 [TSS04] Messages from 127.0.0.1 temporarily deferred due to unexpected volume or user complaints\r\n');
      }
      return undefined;
    },
  }, {}, async (conn, peer) => {
      const r = await conn.send('a@example.test', 'b@example.org', MSG);
      assert.ok(!r.ok && 'reply' in r);
      if (!r.ok && 'reply' in r) {
        assert.equal(r.reply.code, 421);
        assert.equal(r.closed, true);
        assert.match(r.reply.text, /TSS04/);
      }
      assert.equal(conn.closed, true);
      const after = await conn.send('a@example.test', 'b@example.org', MSG);
      assert.ok(!after.ok && 'error' in after && after.error === 'connection-reset');
  });
});

test('SMTPUTF8: an internationalized address goes only to a server that offers it', async () => {
  const without = await startRawPeer();
  const c1 = await connected(without.port);
  const withIt = await startRawPeer({ extensions: ['PIPELINING', 'SMTPUTF8', '8BITMIME'] });
  const c2 = await connected(withIt.port);
  try {
    const r = await c1.send('a@example.test', 'jörg@example.org', MSG);
    assert.ok(!r.ok && 'reply' in r && r.reply.code === 553 && r.reply.enhanced === '5.6.7');
    assert.equal(without.sessions[0]!.lines.some((l) => l.startsWith('MAIL')), false, 'nothing sent');
    const ok = await c2.send('a@example.test', 'jörg@example.org', MSG);
    assert.equal(ok.ok, true);
    assert.equal(withIt.sessions[0]!.lines[1], 'MAIL FROM:<a@example.test> BODY=8BITMIME SMTPUTF8');
    assert.equal(withIt.sessions[0]!.lines[2], 'RCPT TO:<jörg@example.org>');
  } finally {
    c1.close();
    c2.close();
    await without.close();
    await withIt.close();
  }
});

test('failures before a session: refused connection, 554 greeting, silence, garbage', async () => {
  const closedPort = await startRawPeer();
  const port = closedPort.port;
  await closedPort.close();
  const refusedConn = new OutboundConnection({ address: '127.0.0.1', port, hostName: 'x', helo: 'relais.test', tls: 'disabled' });
  const r1 = await refusedConn.connect();
  assert.ok(r1 && !r1.ok && 'error' in r1 && r1.error === 'connection-refused');

  const busy = await startRawPeer({ greeting: '554 5.7.1 no mail from you' });
  const silent = await startRawPeer({ greeting: null });
  const garbage = await startRawPeer({ greeting: 'HTTP/1.1 400 Bad Request' });
  try {
    const r2 = await new OutboundConnection({ address: '127.0.0.1', port: busy.port, hostName: 'x', helo: 'relais.test', tls: 'disabled' }).connect();
    assert.ok(r2 && !r2.ok && 'reply' in r2 && r2.reply.code === 554 && r2.closed);
    const r3 = await new OutboundConnection({ address: '127.0.0.1', port: silent.port, hostName: 'x', helo: 'relais.test', tls: 'disabled', greetingTimeoutMs: 300 }).connect();
    assert.ok(r3 && !r3.ok && 'error' in r3 && r3.error === 'command-timeout', JSON.stringify(r3));
    const r4 = await new OutboundConnection({ address: '127.0.0.1', port: garbage.port, hostName: 'x', helo: 'relais.test', tls: 'disabled' }).connect();
    assert.ok(r4 && !r4.ok && 'error' in r4 && r4.error === 'protocol', JSON.stringify(r4));
  } finally {
    await busy.close();
    await silent.close();
    await garbage.close();
  }
});

test('EHLO refused: the client falls back to HELO and sends without extensions', async () => {
  const old = await startRawPeer({ extensions: null });
  const conn = await connected(old.port);
  try {
    assert.equal(conn.extensions.size, 0);
    const r = await conn.send('a@example.test', 'b@example.org', MSG);
    assert.equal(r.ok, true);
    assert.deepEqual(old.sessions[0]!.lines.slice(0, 3), ['EHLO relais.test', 'HELO relais.test', 'MAIL FROM:<a@example.test>']);
  } finally {
    conn.close();
    await old.close();
  }
});

test('TLS: opportunistic upgrades even with a self-signed certificate; MTA-STS verification refuses it; "required" without STARTTLS fails', async () => {
  const rx = await startReceiver({ tls: true });
  const plain = await startRawPeer();
  try {
    const opp = await connected(rx.port, { tls: 'opportunistic' });
    assert.match(opp.tlsInfo()?.version ?? '', /TLSv1\.[23]/);
    const sent = await opp.send('a@example.test', 'b@example.org', MSG);
    assert.equal(sent.ok, true);
    assert.equal(rx.messages[0]?.secure, true);
    opp.close();
    const sts = await new OutboundConnection({ address: '127.0.0.1', port: rx.port, hostName: 'mx.example.org', helo: 'relais.test', tls: 'required', verifyTls: true }).connect();
    assert.ok(sts && !sts.ok && 'error' in sts && sts.error === 'tls-certificate', JSON.stringify(sts));
    const req = await new OutboundConnection({ address: '127.0.0.1', port: plain.port, hostName: 'mx.example.org', helo: 'relais.test', tls: 'required' }).connect();
    assert.ok(req && !req.ok && 'error' in req && req.error === 'tls-unavailable', JSON.stringify(req));
    assert.equal(plain.sessions[0]!.lines.some((l) => l.startsWith('MAIL')), false);
  } finally {
    await rx.close();
    await plain.close();
  }
});

test('a 421 to a pipelined MAIL ends the attempt at once, even if the server then says nothing', async () => {
  await withRawPeer({ onCommand: (line) => (line.startsWith('MAIL') ? ['421 4.7.0 Try again later, closing connection'] : undefined) }, { socketTimeoutMs: 10_000 }, async (conn, peer) => {
      const t0 = Date.now();
      const r = await conn.send('a@example.test', 'b@example.org', MSG);
      assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
      assert.ok(!r.ok && 'reply' in r && r.reply.code === 421 && r.closed && r.command === 'MAIL FROM');
      assert.equal(conn.closed, true);
  });
});

test('the reply to the final dot gets the long data timeout, not the command timeout', async () => {
  // The server "scans" for 1.5 s before accepting: longer than the command timeout.
  await withRawPeer({ onCommand: defaultReply, onContent: () => null }, { socketTimeoutMs: 500, dataTimeoutMs: 5000 }, async (conn, peer) => {
      const pending = conn.send('a@example.test', 'b@example.org', MSG);
      setTimeout(() => peer.sessions[0]!.write('250 2.0.0 accepted after a long scan\r\n'), 1500);
      const r = await pending;
      assert.ok(r.ok, JSON.stringify(r));
  });
});

test('the next message is announced with this content: its MAIL/RCPT/DATA leave in the same write', async () => {
  await withRawPeer({}, {}, async (conn, peer) => {
      const second = Buffer.from('From: a@example.test\r\nSubject: y\r\n\r\nsecond\r\n');
      const r1 = await conn.send('a@example.test', 'one@example.org', MSG, { from: 'a@example.test', to: 'two@example.org', size: second.length });
      assert.equal(r1.ok, true);
      assert.deepEqual(conn.announced, { from: 'a@example.test', to: 'two@example.org', size: second.length });
      const r2 = await conn.send('a@example.test', 'two@example.org', second);
      assert.equal(r2.ok, true);
      const s = peer.sessions[0]!;
      assert.deepEqual(s.contents, ['From: a@example.test\r\nSubject: x\r\n\r\nbody', 'From: a@example.test\r\nSubject: y\r\n\r\nsecond']);
      // The first content's end and the second envelope arrive together.
      assert.ok(s.chunks.some((c) => c.toString().includes(`body\r\n.\r\nMAIL FROM:<a@example.test> SIZE=${second.length}`)), 'one write for content and next envelope');
      assert.equal(s.lines.filter((l) => l.startsWith('MAIL')).length, 2, 'the second MAIL was not sent twice');
  });
});

test('an announced message given up after the server accepted its DATA is never delivered: the connection is dropped', async () => {
  await withRawPeer({}, {}, async (conn, peer) => {
      const r1 = await conn.send('a@example.test', 'one@example.org', MSG, { from: 'a@example.test', to: 'two@example.org', size: 10 });
      assert.equal(r1.ok, true);
      await conn.abandonAnnounced();
      assert.equal(conn.closed, true);
      assert.equal(conn.announced, undefined);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(peer.sessions[0]!.contents.length, 1, 'only the first message');
  });
});

test('an announced message the server refused at RCPT is reset, and the session goes on', async () => {
  await withRawPeer({ onCommand: (line) => (line.includes('gone@') ? ['550 5.1.1 no such user'] : line === 'DATA' ? ['354 go'] : ['250 ok']) }, {}, async (conn, peer) => {
      await conn.send('a@example.test', 'one@example.org', MSG, { from: 'a@example.test', to: 'gone@example.org', size: MSG.length });
      const r = await conn.send('a@example.test', 'gone@example.org', MSG);
      assert.ok(!r.ok && 'reply' in r && r.reply.code === 550 && r.command === 'RCPT TO' && !r.closed);
      const r3 = await conn.send('a@example.test', 'three@example.org', MSG);
      assert.equal(r3.ok, true);
      assert.equal(peer.sessions[0]!.contents.length, 3, 'the refused one was ended with an empty content (DATA was accepted), then reset');
      assert.equal(peer.sessions[0]!.contents[1], '');
  });
});
