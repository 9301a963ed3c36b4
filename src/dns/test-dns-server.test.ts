// The loopback DNS server of test/support, spoken to directly over TCP and UDP with
// dns-packet (the node:dns path is covered by node-resolver.test.ts).
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import * as dnsPacket from 'dns-packet';
import { type DnsServer, startDnsServer } from '../../test/support/dns-server.ts';

let dns: DnsServer;
before(async () => {
  dns = await startDnsServer({
    zones: {
      'zone.test': {
        '@': { A: ['192.0.2.1'], TXT: [['a', 'b']] },
        'x.y': { A: ['192.0.2.2'] },
        dangling: { CNAME: 'gone.zone.test' },
        '*.wild': { TXT: ['wildcard'] },
        'exact.wild': { A: ['192.0.2.3'] },
      },
    },
  });
});
after(() => dns.stop());

// dns-packet's typings omit the decoded header fields; this is what decode() returns.
interface Reply {
  rcode: string;
  flag_aa: boolean;
  answers: Array<{ type: string; data: any }>;
  authorities: Array<{ type: string }>;
}

function udpQuery(name: string, type: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.on('message', (m) => {
      s.close();
      resolve(dnsPacket.decode(m) as unknown as Reply);
    });
    s.on('error', reject);
    s.send(dnsPacket.encode({ type: 'query', id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: type as 'A' }] }), dns.port, dns.host);
  });
}

function tcpQuery(name: string, type: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const sock = connect(dns.port, dns.host, () => {
      sock.write(dnsPacket.streamEncode({ type: 'query', id: 9, questions: [{ name, type: type as 'A' }] }) as Buffer);
    });
    let buf = Buffer.alloc(0);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= buf.readUInt16BE(0) + 2) {
        sock.end();
        resolve(dnsPacket.streamDecode(buf) as unknown as Reply);
      }
    });
    sock.on('error', reject);
  });
}

test('authoritative answers over UDP and TCP', async () => {
  const u = await udpQuery('ZONE.test', 'A');
  assert.equal(u.flag_aa, true);
  assert.equal(u.rcode, 'NOERROR');
  assert.deepEqual(u.answers.map((a) => a.data), ['192.0.2.1']);
  const t = await tcpQuery('zone.test', 'TXT');
  assert.deepEqual((t.answers[0]!.data as Buffer[]).map(String), ['a', 'b']);
});

test('NXDOMAIN, NODATA (also for empty non-terminals), REFUSED outside the zones', async () => {
  const nx = await udpQuery('nope.zone.test', 'A');
  assert.equal(nx.rcode, 'NXDOMAIN');
  assert.equal(nx.authorities[0]?.type, 'SOA');
  assert.equal((await udpQuery('zone.test', 'MX')).rcode, 'NOERROR');
  assert.equal((await udpQuery('zone.test', 'MX')).answers.length, 0);
  assert.equal((await udpQuery('y.zone.test', 'A')).rcode, 'NOERROR', 'empty non-terminal exists');
  assert.equal((await udpQuery('elsewhere.test', 'A')).rcode, 'REFUSED');
});

test('CNAME to a missing name is NXDOMAIN with the chain (RFC 6604); wildcards synthesize', async () => {
  const r = await udpQuery('dangling.zone.test', 'A');
  assert.equal(r.rcode, 'NXDOMAIN');
  assert.deepEqual(r.answers.map((a) => a.type), ['CNAME']);
  const w = await udpQuery('anything.wild.zone.test', 'TXT');
  assert.deepEqual(w.answers.map((a) => String((a.data as Buffer[])[0])), ['wildcard']);
  assert.equal((await udpQuery('exact.wild.zone.test', 'TXT')).answers.length, 0, 'an existing name is not wildcarded');
});

test('records and failures change at run time', async () => {
  dns.set('new.zone.test', 'A', ['192.0.2.9']);
  assert.deepEqual((await udpQuery('new.zone.test', 'A')).answers.map((a) => a.data), ['192.0.2.9']);
  dns.remove('new.zone.test');
  assert.equal((await udpQuery('new.zone.test', 'A')).rcode, 'NXDOMAIN');
  dns.fail('zone.test', '*', 'SERVFAIL');
  assert.equal((await tcpQuery('zone.test', 'A')).rcode, 'SERVFAIL');
  dns.clearFailures();
  assert.throws(() => dns.set('other.test', 'A', ['192.0.2.1']), /in no zone/);
  dns.addZone('other.test', { www: { A: ['192.0.2.7'] } });
  assert.deepEqual((await udpQuery('www.other.test', 'A')).answers.map((a) => a.data), ['192.0.2.7']);
  assert.ok(dns.queries.some((q) => q.transport === 'tcp' && q.name === 'zone.test'));
});
