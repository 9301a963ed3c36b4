import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryResolver } from './memory-resolver.ts';
import { DnsTemporaryError, expandIPv6, reverseName } from './resolver.ts';

test('memory resolver follows the same MX rules as the real one', async () => {
  const r = new MemoryResolver({
    'a.test': { MX: ['20 b.mx.test', { exchange: 'A.MX.TEST.', priority: 10 }] },
    'implicit.test': { AAAA: ['2001:db8::1'] },
    'null.test': { MX: ['0 .'] },
    'alias.test': { CNAME: 'implicit.test' },
  });
  const mx = await r.mx('a.test');
  assert.deepEqual(mx.status === 'ok' && mx.hosts.map((h) => h.exchange), ['a.mx.test', 'b.mx.test']);
  const imp = await r.mx('implicit.test');
  assert.equal(imp.status === 'ok' && imp.implicit, true);
  assert.equal((await r.mx('null.test')).status, 'null-mx');
  assert.equal((await r.mx('missing.test')).status, 'nxdomain');
  assert.equal((await r.aaaa('alias.test')).status, 'ok');
  r.fail('a.test', '*', 'timeout');
  const t = await r.mx('a.test');
  assert.equal(t.status === 'temporary' && t.reason, 'timeout');
});

test('memory resolver: TXT strings, PTR, DNSBL', async () => {
  const r = new MemoryResolver({ 'x.test': { TXT: [['v=DKIM1; ', 'p=AB'], 'plain'] } });
  const t = await r.txt('x.test');
  assert.deepEqual(t.status === 'ok' && t.records.map((x) => x.text), ['v=DKIM1; p=AB', 'plain']);
  r.setPtr('192.0.2.5', ['mail.x.test']);
  assert.deepEqual(await r.ptr('192.0.2.5'), { status: 'ok', records: ['mail.x.test'], ttl: 300 });
  r.set('5.2.0.192.zen.test', 'A', ['127.0.0.4']);
  assert.deepEqual(await r.dnsblLookup('5.2.0.192.zen.test'), ['127.0.0.4']);
  assert.equal(await r.dnsblLookup('6.2.0.192.zen.test'), null);
  r.fail('7.2.0.192.zen.test', 'A', 'servfail');
  await assert.rejects(r.dnsblLookup('7.2.0.192.zen.test'), DnsTemporaryError);
});

test('reverse names', () => {
  assert.equal(reverseName('192.0.2.5'), '5.2.0.192.in-addr.arpa');
  assert.equal(expandIPv6('2001:db8::1'), '2001:0db8:0000:0000:0000:0000:0000:0001');
  assert.equal(expandIPv6('::ffff:192.0.2.1'), '0000:0000:0000:0000:0000:ffff:c000:0201');
  assert.equal(reverseName('2001:db8::1'), `1.${'0.'.repeat(23)}8.b.d.0.1.0.0.2.ip6.arpa`);
  assert.throws(() => reverseName('nope'), RangeError);
});
