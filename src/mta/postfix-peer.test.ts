// A real Postfix as the receiving MTA: Relais delivers from an egress IP to a private
// Postfix instance, which relays to smtp-sink; what arrives still carries a DKIM signature
// that Debian's dkimverify accepts, and Postfix logged the egress IP as the client.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type DnsServer, startDnsServer } from '../../test/support/dns-server.ts';
import { freshSqlite } from '../../test/support/stores.ts';
import { dkimRecordName, dkimRecordStrings, generateDkimKey } from '../auth/dkim-keys.ts';
import { createDkimSigner } from '../auth/dkim-signer.ts';
import { dkimverifyMissing, runDkimverify } from '../auth/testing/dkimverify.ts';
import { MemoryResolver } from '../dns/memory-resolver.ts';
import { addEgressIp, addRoute } from '../store/egress-repo.ts';
import { createTenant } from '../store/tenants-repo.ts';
import { DeliveryLoop } from './delivery-loop.ts';
import { enqueue, testMessage } from './testing/enqueue.ts';
import { postfixMissing, startPostfix } from './testing/postfix-instance.ts';
import { smtpSinkMissing, startSmtpSink } from './testing/smtp-sink.ts';

test('Relais -> Postfix -> smtp-sink: DKIM verifies with dkimverify, headers intact, egress IP seen by Postfix', async (t) => {
  const missing = postfixMissing() ?? smtpSinkMissing() ?? dkimverifyMissing();
  if (missing) return t.skip(missing);
  const key = generateDkimKey('rsa-sha256');
  const signer = createDkimSigner([{ domain: 'acme.example', selector: 'rls1', algorithm: 'rsa-sha256', privateKey: key.privateKeyPem }]);
  const dns: DnsServer = await startDnsServer({ zones: { 'acme.example': { [dkimRecordName('rls1', 'acme.example')]: { TXT: [dkimRecordStrings(key)] } } } });
  const sink = await startSmtpSink({ dump: true });
  const pf = await startPostfix({ relayhost: `[127.0.0.1]:${sink.port}` });
  const ts = await freshSqlite();
  const loop = new DeliveryLoop({ store: ts.store, resolver: new MemoryResolver({}), hostname: 'relais.test', pollMs: 100, signerFor: (d) => (d === 'acme.example' ? signer : undefined) });
  try {
    const tenant = (await createTenant(ts.store, 'Acme')).id;
    await addEgressIp(ts.store, { ip: '127.0.0.5', helo: 'out5.relais.test' });
    await addRoute(ts.store, 'example.net', `127.0.0.1:${pf.port}`);
    for (let i = 0; i < 5; i++) {
      const to = `reader${i}@example.net`;
      await enqueue(ts.store, { tenantId: tenant, recipients: [to], from: 'news@acme.example', raw: testMessage('news@acme.example', to, `Issue ${i}: caf\u00e9 news`, 3000) });
    }
    await loop.start();
    const end = Date.now() + 30_000;
    while (readdirSync(sink.dir!).length < 5 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    const files = readdirSync(sink.dir!).map((f) => readFileSync(join(sink.dir!, f)));
    assert.equal(files.length, 5);
    for (const raw of files) {
      const text = raw.toString();
      assert.match(text, /^Received: from out5\.relais\.test \(unknown \[127\.0\.0\.5\]\)/m, 'Postfix saw the egress IP and its HELO');
      assert.match(text, /^Subject: Issue \d: caf/m);
      assert.match(text, /^DKIM-Signature: /m);
      const v = await runDkimverify(raw, dns);
      assert.ok(v.ok, `dkimverify: ${v.output}`);
    }
  } finally {
    await loop.stop();
    await ts.dispose();
    await pf.stop();
    await sink.stop();
    await dns.stop();
    rmSync(sink.dir!, { recursive: true, force: true });
  }
});
