// Secrets at rest (DKIM private keys, webhook secrets) are sealed with AES-256-GCM under
// keys derived from one master key; VERP and unsubscribe HMAC keys derive from it too, so
// an operator backs up exactly one secret.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from './errors.ts';

export function parseMasterKey(text: string): Buffer {
  const t = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(t)) key = Buffer.from(t, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) key = Buffer.from(t, t.includes('-') || t.includes('_') ? 'base64url' : 'base64');
  if (!key || key.length !== 32) throw new ConfigError('master key must be 32 bytes, as 64 hex characters or base64');
  return key;
}

/** The configured key, else the key file, generated (mode 0600) on first use. */
export function loadMasterKey(opts: { masterKey?: string; masterKeyFile: string }): { key: Buffer; generated: boolean } {
  if (opts.masterKey) return { key: parseMasterKey(opts.masterKey), generated: false };
  if (existsSync(opts.masterKeyFile)) return { key: parseMasterKey(readFileSync(opts.masterKeyFile, 'utf8')), generated: false };
  const key = randomBytes(32);
  mkdirSync(dirname(opts.masterKeyFile), { recursive: true });
  writeFileSync(opts.masterKeyFile, `${key.toString('hex')}\n`, { mode: 0o600 });
  chmodSync(opts.masterKeyFile, 0o600);
  return { key, generated: true };
}

export function deriveKey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `relais:${purpose}`, 32));
}

/** "v1.<iv>.<tag>.<ciphertext>", base64url parts. */
export function seal(master: Buffer, plaintext: string, purpose = 'secrets'): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', deriveKey(master, purpose), iv);
  const ct = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
  return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
}

export function open(master: Buffer, sealed: string, purpose = 'secrets'): string {
  const [v, iv, tag, ct] = sealed.split('.');
  if (v !== 'v1' || !iv || !tag || ct === undefined) throw new ConfigError('sealed secret is malformed');
  const d = createDecipheriv('aes-256-gcm', deriveKey(master, purpose), Buffer.from(iv, 'base64url'));
  d.setAuthTag(Buffer.from(tag, 'base64url'));
  try {
    return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
  } catch {
    throw new ConfigError('cannot open sealed secret: wrong master key or tampered data');
  }
}
