import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { configurationMarkdown, loadConfig } from './config.ts';

test('defaults: SQLite in ./data, loopback HTTP without TLS', () => {
  const c = loadConfig({ env: {}, cwd: '/srv/relais' });
  assert.equal(c.databaseUrl, 'sqlite:/srv/relais/data/relais.db');
  assert.equal(c.httpPort, 8080);
  assert.equal(c.smtpPort, 2587);
  assert.equal(c.smtpsPort, 2465);
  assert.equal(c.mxPort, 2525);
  assert.deepEqual(c.roles, ['api', 'smtp', 'mx', 'mta']);
  assert.ok(c.publicUrl.startsWith('http://localhost:8080'));
});

test('unknown environment variables and bad values are rejected clearly', () => {
  assert.throws(() => loadConfig({ env: { RELAIS_HTTP_PROT: '1' } }), /unknown environment variable RELAIS_HTTP_PROT/);
  assert.throws(() => loadConfig({ env: { RELAIS_HTTP_PORT: 'eighty' } }), /RELAIS_HTTP_PORT: must be an integer/);
  assert.throws(() => loadConfig({ env: { RELAIS_HTTP_PORT: '70000' } }), /port/);
  assert.throws(() => loadConfig({ env: { RELAIS_ROLES: 'api,web' } }), /unknown role "web"/);
});

test('plain HTTP off loopback needs TLS or a declared proxy', () => {
  assert.throws(() => loadConfig({ env: { RELAIS_HTTP_HOST: '0.0.0.0', RELAIS_HTTP_TLS: 'off' } }), /behindTlsProxy/);
  const tls = loadConfig({ env: { RELAIS_HTTP_HOST: '0.0.0.0' } });
  assert.ok(tls.publicUrl.startsWith('https://'));
  const proxied = loadConfig({ env: { RELAIS_HTTP_HOST: '0.0.0.0', RELAIS_BEHIND_TLS_PROXY: 'true' } });
  assert.ok(proxied.publicUrl.startsWith('http://'));
});

test('config file keys are checked too', () => {
  const dir = process.env.TMPDIR ?? '/tmp';
  const f = `${dir}/relais-cfg-${process.pid}.json`;
  require_write(f, JSON.stringify({ httpPort: 9000, smtpPrt: 1 }));
  assert.throws(() => loadConfig({ env: { RELAIS_CONFIG: f } }), /unknown key "smtpPrt"/);
  require_write(f, JSON.stringify({ httpPort: 9000 }));
  assert.equal(loadConfig({ env: { RELAIS_CONFIG: f, RELAIS_HTTP_PORT: '9100' } }).httpPort, 9100, 'environment wins');
});

test('docs/configuration.md is generated from the schema', () => {
  assert.equal(readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8'), configurationMarkdown(), 'run: relais config docs > docs/configuration.md');
});

import { writeFileSync as require_write } from 'node:fs';
