import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startDnsServer, type DnsServer } from '../../test/support/dns-server.ts';
import { ManualClock } from '../core/clock.ts';
import { createDnsResolver } from './node-resolver.ts';
import { DnsTemporaryError, reverseName } from './resolver.ts';

let dns: DnsServer;
before(async () => {
  dns = await startDnsServer({
    zones: {
      'example.test': {
        '@': { A: ['192.0.2.10'], MX: ['20 mx2.example.test', '10 mx1.example.test'], TXT: ['v=spf1 -all', ['part one ', 'part two']] },
        mx1: { A: ['192.0.2.1'], ttl: 42 },
        mx2: { AAAA: ['2001:db8::2'] },
        'no-mx': { A: ['192.0.2.20'] },
        'v6-only': { AAAA: ['2001:db8::20'] },
        'null-mx': { MX: ['0 .'], A: ['192.0.2.30'] },
        empty: { TXT: ['hello'] },
        alias: { CNAME: 'no-mx.example.test' },
        loop1: { CNAME: 'loop2.example.test' },
        loop2: { CNAME: 'loop1.example.test' },
        big: { TXT: ['x'.repeat(3000)] },
        '*.bl': { A: ['127.0.0.2'] },
      },
      '2.0.192.in-addr.arpa': { '1': { PTR: ['mx1.example.test'] } },
      '8.b.d.0.1.0.0.2.ip6.arpa': { [reverseName('2001:db8::2')]: { PTR: ['mx2.example.test'] } },
    },
  });
});
after(() => dns.stop());

const fresh = () => createDnsResolver({ servers: [dns.server], timeoutMs: 300, tries: 1, cache: false });

test('MX hosts sorted by priority, A TTL from the answer', async () => {
  const r = fresh();
  const mx = await r.mx('Example.Test.');
  assert.deepEqual(mx.status === 'ok' && mx.hosts, [
    { exchange: 'mx1.example.test', priority: 10 },
    { exchange: 'mx2.example.test', priority: 20 },
  ]);
  const a = await r.a('mx1.example.test');
  assert.equal(a.status === 'ok' && a.ttl, 42);
  assert.deepEqual(a.status === 'ok' && a.records, ['192.0.2.1']);
});

test('MX: implicit A/AAAA fallback, null MX, NXDOMAIN, nothing at all', async () => {
  const r = fresh();
  assert.deepEqual(await r.mx('no-mx.example.test'), {
    status: 'ok',
    hosts: [{ exchange: 'no-mx.example.test', priority: 0 }],
    implicit: true,
    ttl: 300,
  });
  const v6 = await r.mx('v6-only.example.test');
  assert.equal(v6.status === 'ok' && v6.implicit, true);
  assert.equal((await r.mx('null-mx.example.test')).status, 'null-mx');
  assert.equal((await r.mx('nope.example.test')).status, 'nxdomain');
  assert.equal((await r.mx('empty.example.test')).status, 'nodata');
});

test('TXT gives joined text and the raw strings; large answers come over TCP', async () => {
  const r = fresh();
  const t = await r.txt('example.test');
  assert.equal(t.status, 'ok');
  if (t.status !== 'ok') return;
  assert.deepEqual(
    t.records.map((x) => x.text).sort(),
    ['part one part two', 'v=spf1 -all'],
  );
  assert.deepEqual(t.records.find((x) => x.strings.length === 2)?.strings, ['part one ', 'part two']);
  const before = dns.queries.filter((q) => q.transport === 'tcp').length;
  const big = await r.txt('big.example.test');
  assert.equal(big.status === 'ok' && big.records[0]!.text.length, 3000);
  assert.equal(big.status === 'ok' && big.records[0]!.strings.length, 12);
  assert.ok(dns.queries.filter((q) => q.transport === 'tcp').length > before, 'truncated UDP answer retried over TCP');
});

test('CNAME: followed for other types, read as is, loops give NODATA', async () => {
  const r = fresh();
  assert.deepEqual((await r.a('alias.example.test')).status === 'ok', true);
  assert.deepEqual(await r.cname('alias.example.test'), { status: 'ok', records: ['no-mx.example.test'], ttl: 300 });
  assert.equal((await r.txt('loop1.example.test')).status, 'nodata');
  assert.equal((await r.cname('example.test')).status, 'nodata');
});

test('PTR for IPv4 and IPv6 (by DNS, never /etc/hosts)', async () => {
  const r = fresh();
  assert.deepEqual((await r.ptr('192.0.2.1')).status === 'ok' && (await r.ptr('192.0.2.1')), {
    status: 'ok',
    records: ['mx1.example.test'],
    ttl: 300,
  });
  const v6 = await r.ptr('2001:db8::2');
  assert.deepEqual(v6.status === 'ok' && v6.records, ['mx2.example.test']);
  assert.equal((await r.ptr('127.0.0.1')).status, 'temporary'); // not our zone: REFUSED
});

test('temporary failures are typed and never look like NXDOMAIN', async () => {
  const r = fresh();
  dns.fail('example.test', 'TXT', 'SERVFAIL');
  dns.fail('mx1.example.test', 'A', 'TIMEOUT');
  dns.fail('mx2.example.test', '*', 'REFUSED');
  try {
    assert.deepEqual(await r.txt('example.test'), { status: 'temporary', reason: 'servfail', message: 'ESERVFAIL example.test TXT' });
    const t = await r.a('mx1.example.test');
    assert.equal(t.status === 'temporary' && t.reason, 'timeout');
    const f = await r.aaaa('mx2.example.test');
    assert.equal(f.status === 'temporary' && f.reason, 'refused');
  } finally {
    dns.clearFailures();
  }
  const down = createDnsResolver({ servers: ['127.0.0.1:9'], timeoutMs: 200, tries: 1, cache: false });
  const d = await down.a('example.test');
  assert.equal(d.status, 'temporary');
});

test('dnsblLookup: listed, not listed, error', async () => {
  const r = fresh();
  assert.deepEqual(await r.dnsblLookup('2.0.0.127.bl.example.test'), ['127.0.0.2']);
  assert.equal(await r.dnsblLookup('1.0.0.127.notbl.example.test'), null);
  dns.fail('3.0.0.127.bl.example.test', 'A', 'SERVFAIL');
  try {
    await assert.rejects(r.dnsblLookup('3.0.0.127.bl.example.test'), DnsTemporaryError);
  } finally {
    dns.clearFailures();
  }
});

test('cache: answers reused within TTL, refreshed after, errors not cached, concurrent queries coalesced', async () => {
  const clock = new ManualClock();
  const r = createDnsResolver({ servers: [dns.server], timeoutMs: 300, tries: 1, clock });
  const count = () => dns.queries.filter((q) => q.name === 'mx1.example.test' && q.type === 'A').length;
  const n0 = count();
  await Promise.all([r.a('mx1.example.test'), r.a('mx1.example.test'), r.a('MX1.example.test')]);
  assert.equal(count() - n0, 1);
  clock.advance(41_000);
  await r.a('mx1.example.test');
  assert.equal(count() - n0, 1, 'within the 42 s TTL');
  clock.advance(2_000);
  await r.a('mx1.example.test');
  assert.equal(count() - n0, 2, 'after the TTL');

  dns.fail('mx2.example.test', 'AAAA', 'SERVFAIL');
  const s0 = dns.queries.length;
  assert.equal((await r.aaaa('mx2.example.test')).status, 'temporary');
  dns.clearFailures();
  assert.equal((await r.aaaa('mx2.example.test')).status, 'ok');
  assert.equal(dns.queries.length - s0, 2, 'the SERVFAIL was not remembered');
});
