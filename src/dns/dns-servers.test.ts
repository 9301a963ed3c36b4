import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../core/errors.ts';
import { dnsServersFromEnv, parseDnsServers } from './dns-servers.ts';

test('parses RELAIS_DNS_SERVERS lists', () => {
  assert.deepEqual(parseDnsServers('127.0.0.1:5353, 192.0.2.1 [::1]:53,2001:db8::1'), [
    '127.0.0.1:5353',
    '192.0.2.1:53',
    '[::1]:53',
    '[2001:db8::1]:53',
  ]);
  assert.equal(dnsServersFromEnv({}), undefined);
  assert.deepEqual(dnsServersFromEnv({ RELAIS_DNS_SERVERS: '10.0.0.1' }), ['10.0.0.1:53']);
});

test('rejects names and bad ports', () => {
  for (const bad of ['dns.google', '127.0.0.1:0', '127.0.0.1:70000', '[nope]:53']) {
    assert.throws(() => parseDnsServers(bad), ConfigError, bad);
  }
});
