// TLS material for every listener: the configured certificate, or a self-signed one
// generated once into the data dir (fine for local use; operators configure a real one).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import type { Config } from '../core/config.ts';
import { ConfigError } from '../core/errors.ts';

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  generated: boolean;
  path: string;
}

export async function loadTls(cfg: Config): Promise<TlsMaterial> {
  if (cfg.tlsCertFile && cfg.tlsKeyFile) {
    try {
      return { cert: readFileSync(cfg.tlsCertFile), key: readFileSync(cfg.tlsKeyFile), generated: false, path: cfg.tlsCertFile };
    } catch (err) {
      throw new ConfigError(`cannot read TLS certificate/key: ${(err as Error).message}`);
    }
  }
  const dir = join(cfg.dataDir, 'tls');
  const certPath = join(dir, 'selfsigned.crt');
  const keyPath = join(dir, 'selfsigned.key');
  if (existsSync(certPath) && existsSync(keyPath)) {
    return { cert: readFileSync(certPath), key: readFileSync(keyPath), generated: false, path: certPath };
  }
  const pems = await generate([{ name: 'commonName', value: cfg.hostname }], {
    keySize: 2048,
    days: 825,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: cfg.hostname }, { type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  } as never);
  mkdirSync(dir, { recursive: true });
  writeFileSync(certPath, pems.cert);
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  return { cert: Buffer.from(pems.cert), key: Buffer.from(pems.private), generated: true, path: certPath };
}
