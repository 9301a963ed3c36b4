import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type DnsServer, startDnsServer } from '../../test/support/dns-server.ts';
import { createDnsResolver } from '../dns/node-resolver.ts';
import { reverseName } from '../dns/resolver.ts';
import { checkEgressIp, looksGeneric } from './egress-check.ts';

let dns: DnsServer;
before(async () => {
  dns = await startDnsServer({
    zones: {
      'relais.test': {
        mta1: { A: ['192.0.2.1'] },
        mta2: { A: ['192.0.2.99'] },
        other: { A: ['192.0.2.3'] },
        'ptr-name-3': { A: ['192.0.2.3'] },
        mta6: { AAAA: ['2001:db8::1'] },
      },
      'isp.test': { '192-0-2-4.dsl': { A: ['192.0.2.4'] } },
      '2.0.192.in-addr.arpa': {
        '1': { PTR: ['mta1.relais.test'] },
        '2': { PTR: ['mta2.relais.test'] },
        '3': { PTR: ['ptr-name-3.relais.test'] },
        '4': { PTR: ['192-0-2-4.dsl.isp.test'] },
      },
      '8.b.d.0.1.0.0.2.ip6.arpa': { [reverseName('2001:db8::1')]: { PTR: ['mta6.relais.test'] } },
    },
  });
});
after(() => dns.stop());
const resolver = () => createDnsResolver({ servers: [dns.server], timeoutMs: 300, tries: 1, cache: false });

test('FCrDNS and HELO match: pass (IPv4 and IPv6)', async () => {
  const r = await checkEgressIp({ ip: '192.0.2.1', helo: 'mta1.relais.test', resolver: resolver() });
  assert.equal(r.verdict, 'pass', JSON.stringify(r.checks));
  assert.deepEqual(r.forwardConfirmed, ['mta1.relais.test']);
  const v6 = await checkEgressIp({ ip: '2001:db8::1', helo: 'mta6.relais.test', resolver: resolver() });
  assert.equal(v6.verdict, 'pass', JSON.stringify(v6.checks));
});

test('problems: no PTR, PTR not confirmed, HELO mismatch, generic PTR, HELO not FQDN', async () => {
  const none = await checkEgressIp({ ip: '192.0.2.5', helo: 'mta1.relais.test', resolver: resolver() });
  assert.deepEqual(none.checks.find((c) => c.id === 'ptr')?.problems, ['missing']);
  assert.equal(none.verdict, 'fail');

  const unconfirmed = await checkEgressIp({ ip: '192.0.2.2', helo: 'mta2.relais.test', resolver: resolver() });
  assert.deepEqual(unconfirmed.checks.find((c) => c.id === 'ptr')?.problems, ['not-forward-confirmed']);
  assert.match(unconfirmed.checks.find((c) => c.id === 'ptr')!.explanation, /Publish mta2\.relais\.test\. A 192\.0\.2\.2/);

  const mismatch = await checkEgressIp({ ip: '192.0.2.3', helo: 'other.relais.test', resolver: resolver() });
  assert.equal(mismatch.verdict, 'warning');
  assert.deepEqual(mismatch.checks.find((c) => c.id === 'helo')?.problems, ['helo-ptr-mismatch']);

  const generic = await checkEgressIp({ ip: '192.0.2.4', helo: '192-0-2-4.dsl.isp.test', resolver: resolver() });
  assert.deepEqual(generic.checks.find((c) => c.id === 'ptr')?.problems, ['generic']);

  const bare = await checkEgressIp({ ip: '192.0.2.1', helo: 'localhost', resolver: resolver() });
  assert.deepEqual(bare.checks.find((c) => c.id === 'helo')?.problems, ['not-fqdn']);
});

test('a PTR lookup that times out is a temporary error', async () => {
  dns.fail(reverseName('192.0.2.1'), 'PTR', 'TIMEOUT');
  try {
    const r = await checkEgressIp({ ip: '192.0.2.1', helo: 'mta1.relais.test', resolver: resolver() });
    assert.equal(r.checks.find((c) => c.id === 'ptr')?.verdict, 'temporary-error');
    assert.equal(r.verdict, 'temporary-error');
  } finally {
    dns.clearFailures();
  }
});

test('generic PTR patterns', () => {
  assert.equal(looksGeneric('192-0-2-4.dsl.isp.test', '192.0.2.4'), true);
  assert.equal(looksGeneric('4.2.0.192.in-addr.example', '192.0.2.4'), true);
  assert.equal(looksGeneric('dynamic-77.provider.example', '198.51.100.7'), true);
  assert.equal(looksGeneric('mta1.relais.example', '192.0.2.4'), false);
  assert.equal(looksGeneric('mail2.example.com', '192.0.2.2'), false);
});
