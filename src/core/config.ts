// Loads configuration: defaults ← optional JSON file (RELAIS_CONFIG) ← environment.
// Unknown keys in the file and unknown RELAIS_* variables are errors, so a typo never
// silently falls back to a default.
import { readFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from './errors.ts';
import { SETTINGS, type Setting } from './config-schema.ts';

export interface Config {
  dataDir: string;
  databaseUrl: string;
  roles: string[];
  hostname: string;
  httpHost: string;
  httpPort: number;
  httpTls: 'auto' | 'on' | 'off';
  behindTlsProxy: boolean;
  publicUrl: string;
  smtpHost: string;
  smtpPort: number;
  smtpsPort: number;
  mxPort: number;
  smtpMaxMessageBytes: number;
  smtpTrustedNetworks: string[];
  smtpTrustedTenant?: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  masterKey?: string;
  masterKeyFile: string;
  adminToken?: string;
  dnsServers: string[];
  bounceDomain: string;
  requireVerifiedDomains: boolean;
  spoolGroupCommitMs: number;
  nodeId: number;
  logLevel: string;
  routes: string[];
  shapingFile?: string;
  transactionalMaxAgeHours: number;
  marketingMaxAgeHours: number;
}

/** Variables that configure the loader or the test harness, not Relais itself. */
const META_ENV = new Set(['RELAIS_CONFIG']);
const ROLES = ['api', 'smtp', 'mx', 'mta'];

function coerce(s: Setting, raw: unknown, origin: string): unknown {
  const fail = (why: string) => {
    throw new ConfigError(`${origin}: ${why}`);
  };
  switch (s.type) {
    case 'string':
      if (typeof raw !== 'string' || raw === '') fail('must be a non-empty string');
      return raw;
    case 'port':
    case 'int': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
      if (!Number.isInteger(n)) fail(`must be an integer, got ${JSON.stringify(raw)}`);
      if (s.type === 'port' && (n < 0 || n > 65535)) fail(`must be a port 0-65535, got ${n}`);
      return n;
    }
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'string' && /^(true|1|yes|on)$/i.test(raw)) return true;
      if (typeof raw === 'string' && /^(false|0|no|off)$/i.test(raw)) return false;
      return fail(`must be true or false, got ${JSON.stringify(raw)}`);
    case 'list':
      if (Array.isArray(raw) && raw.every((x) => typeof x === 'string')) return raw;
      if (typeof raw === 'string') return raw.split(/[\s,]+/).filter(Boolean);
      return fail('must be a list of strings (comma-separated in the environment)');
    case 'enum':
      if (typeof raw !== 'string' || !s.values!.includes(raw)) fail(`must be one of ${s.values!.join(', ')}, got ${JSON.stringify(raw)}`);
      return raw;
  }
}

export interface LoadOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
}

export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const values: Record<string, unknown> = {};
  for (const s of SETTINGS) if (s.default !== undefined) values[s.key] = s.default;

  const file = env.RELAIS_CONFIG;
  if (file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(resolve(cwd, file), 'utf8'));
    } catch (err) {
      throw new ConfigError(`config file ${file}: ${(err as Error).message}`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(`config file ${file}: must hold a JSON object`);
    for (const [k, v] of Object.entries(parsed)) {
      const s = SETTINGS.find((x) => x.key === k);
      if (!s) throw new ConfigError(`config file ${file}: unknown key "${k}"${suggest(k, SETTINGS.map((x) => x.key))}`);
      values[k] = coerce(s, v, `config file ${file}: ${k}`);
    }
  }
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('RELAIS_') || META_ENV.has(name) || name.startsWith('RELAIS_TEST_')) continue;
    const s = SETTINGS.find((x) => x.env === name);
    if (!s) throw new ConfigError(`unknown environment variable ${name}${suggest(name, SETTINGS.map((x) => x.env))}`);
    if (raw === undefined || raw === '') continue;
    values[s.key] = coerce(s, raw, name);
  }

  const dataDir = isAbsolute(values.dataDir as string) ? (values.dataDir as string) : resolve(cwd, values.dataDir as string);
  values.dataDir = dataDir;
  values.databaseUrl ??= `sqlite:${join(dataDir, 'relais.db')}`;
  values.hostname ??= osHostname() || 'localhost';
  values.masterKeyFile ??= join(dataDir, 'master.key');
  // a bare host name (no dot) still needs a domain-shaped bounce domain
  values.bounceDomain ??= `bounces.${values.hostname}${String(values.hostname).includes('.') ? '' : '.localdomain'}`;
  const roles = values.roles as string[];
  for (const r of roles) if (!ROLES.includes(r)) throw new ConfigError(`roles: unknown role "${r}" (known: ${ROLES.join(', ')})`);
  const cfg = values as unknown as Config;
  cfg.publicUrl ??= `${httpUsesTls(cfg) ? 'https' : 'http'}://${isLoopback(cfg.httpHost) ? 'localhost' : cfg.httpHost}:${cfg.httpPort}`;
  checkHttpExposure(cfg);
  if ((cfg.tlsCertFile === undefined) !== (cfg.tlsKeyFile === undefined)) throw new ConfigError('tlsCertFile and tlsKeyFile must be set together');
  if (cfg.nodeId < 0 || cfg.nodeId > 15) throw new ConfigError('nodeId must be between 0 and 15');
  if (cfg.smtpTrustedNetworks.length > 0 && !cfg.smtpTrustedTenant) throw new ConfigError('smtpTrustedNetworks is set but smtpTrustedTenant is not: say which tenant trusted clients send as');
  return cfg;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export function httpUsesTls(cfg: Pick<Config, 'httpTls' | 'httpHost' | 'behindTlsProxy'>): boolean {
  if (cfg.httpTls === 'on') return true;
  if (cfg.httpTls === 'off') return false;
  return !isLoopback(cfg.httpHost) && !cfg.behindTlsProxy;
}

/** Plain HTTP off loopback leaks API secrets; refuse unless a TLS proxy is declared. */
function checkHttpExposure(cfg: Config): void {
  if (!isLoopback(cfg.httpHost) && !httpUsesTls(cfg) && !cfg.behindTlsProxy) {
    throw new ConfigError(`httpHost ${cfg.httpHost} is not loopback: plain HTTP there needs behindTlsProxy=true (RELAIS_BEHIND_TLS_PROXY), or set httpTls=auto/on`);
  }
}

function suggest(word: string, options: string[]): string {
  const near = options.find((o) => o.toLowerCase().includes(word.toLowerCase().slice(0, 6)) || word.toLowerCase().includes(o.toLowerCase().slice(0, 8)));
  return near ? ` (did you mean ${near}?)` : '';
}

/** docs/configuration.md, generated from the schema. */
export function configurationMarkdown(): string {
  const lines = [
    '# Configuration',
    '',
    'Relais reads settings from an optional JSON file named by `RELAIS_CONFIG` (camelCase keys),',
    'then from the environment (which wins). Unknown keys and unknown `RELAIS_*` variables are',
    'rejected with an error, so a typo never falls back to a default silently. Check a',
    'configuration with `relais config check`.',
    '',
    'This page is generated from `src/core/config-schema.ts` by `relais config docs`; a test',
    'fails when the two differ.',
    '',
    '| key | environment | type | default | meaning |',
    '|---|---|---|---|---|',
  ];
  for (const s of SETTINGS) {
    const def = s.default === undefined ? '' : Array.isArray(s.default) ? s.default.join(',') : String(s.default);
    const type = s.type === 'enum' ? s.values!.join(' \\| ') : s.type;
    lines.push(`| \`${s.key}\` | \`${s.env}\` | ${type} | ${def === '' ? '' : `\`${def}\``} | ${s.doc} |`);
  }
  return `${lines.join('\n')}\n`;
}
