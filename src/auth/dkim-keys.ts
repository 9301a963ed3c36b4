// DKIM key material: generation, selector names that allow rotation, and the TXT record.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ValidationError } from '../core/errors.ts';
import { splitTxtStrings } from './txt-strings.ts';

export type DkimAlgorithm = 'rsa-sha256' | 'ed25519-sha256';

export interface DkimKeyPair {
  algorithm: DkimAlgorithm;
  /** PKCS#8 PEM. Store it encrypted at rest (the lead's key store). */
  privateKeyPem: string;
  /** The p= value: base64 SubjectPublicKeyInfo for RSA, the raw 32-byte key for Ed25519 (RFC 8463). */
  publicKey: string;
}

export function generateDkimKey(algorithm: DkimAlgorithm = 'rsa-sha256', rsaBits = 2048): DkimKeyPair {
  if (algorithm === 'rsa-sha256') {
    if (rsaBits < 1024 || rsaBits > 4096) throw new ValidationError('RSA DKIM keys must be 1024-4096 bits (2048 recommended)');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: rsaBits });
    return { algorithm, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, publicKey: dkimPublicKey(privateKey) };
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  return { algorithm, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, publicKey: dkimPublicKey(privateKey) };
}

/** The p= value for a private (or public) key. */
export function dkimPublicKey(key: KeyObject | string): string {
  const k = typeof key === 'string' ? createPrivateKey(key) : key;
  const pub = k.type === 'public' ? k : createPublicKey(k);
  const der = pub.export({ type: 'spki', format: 'der' });
  // Ed25519 SPKI is a fixed 12-byte prefix followed by the 32-byte key; DNS carries only the key.
  return (pub.asymmetricKeyType === 'ed25519' ? der.subarray(der.length - 32) : der).toString('base64');
}

/** "v=DKIM1; k=rsa; p=..." */
export function dkimRecordText(key: Pick<DkimKeyPair, 'algorithm' | 'publicKey'>): string {
  return `v=DKIM1; k=${key.algorithm === 'rsa-sha256' ? 'rsa' : 'ed25519'}; p=${key.publicKey}`;
}

/** The record as the ≤255-byte strings a DNS provider's "TXT value" needs (RSA-2048 needs two). */
export function dkimRecordStrings(key: Pick<DkimKeyPair, 'algorithm' | 'publicKey'>): string[] {
  return splitTxtStrings(dkimRecordText(key));
}

/** The DNS name of a selector's key: "<selector>._domainkey.<domain>". */
export function dkimRecordName(selector: string, domain: string): string {
  return `${selector}._domainkey.${domain}`;
}

/**
 * Selector names: "rls<yyyymm><n>" for RSA and "rle<yyyymm><n>" for Ed25519, so a rotation
 * always has a fresh name (old and new keys are published side by side during the overlap)
 * and the name tells an operator when the key was made.
 */
export function nextSelector(existing: readonly string[], now: Date, algorithm: DkimAlgorithm = 'rsa-sha256'): string {
  const prefix = `${algorithm === 'rsa-sha256' ? 'rls' : 'rle'}${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
  const taken = new Set(existing.map((s) => s.toLowerCase()));
  for (let n = 1; ; n++) if (!taken.has(`${prefix}${n}`)) return `${prefix}${n}`;
}

/** Selectors are DNS labels (RFC 6376 §3.1); ours and imported ones are checked here. */
export function isValidSelector(s: string): boolean {
  return s.length <= 253 && s.split('.').every((l) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(l));
}
