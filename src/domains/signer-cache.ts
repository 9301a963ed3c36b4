// DKIM signers for the MTA, one per sending domain, built from the keys the store holds and
// kept in memory so that the lookup on the delivery path is synchronous. Only keys that are
// active AND were last seen in DNS sign (dkim-rotation's invariant: nothing signs with a key
// receivers cannot fetch). The cache reloads after every check or rotation made by this
// process and on a timer (changes made by other nodes).
import { domainToASCII } from 'node:url';
import { signingKeys } from '../auth/dkim-rotation.ts';
import { createDkimSigner, type DkimSigner } from '../auth/dkim-signer.ts';
import { open } from '../core/secret-box.ts';
import type { Store } from '../store/database.ts';
import { type DkimKeyRow, listSigningCandidates } from '../store/domains-repo.ts';

interface Cache {
  masterKey: Buffer;
  signers: Map<string, DkimSigner>;
  /** selectors per domain, to rebuild a signer only when its keys change */
  fingerprints: Map<string, string>;
  loading?: Promise<void>;
  loaded: boolean;
}

const caches = new Map<Store, Cache>();

const sealPurpose = 'dkim'; // = DKIM_SEAL_PURPOSE in service.ts (not imported: service imports this file)

function fingerprint(keys: DkimKeyRow[]): string {
  return keys
    .map((k) => `${k.id}:${k.selector}`)
    .sort()
    .join(',');
}

async function load(store: Store, cache: Cache): Promise<void> {
  const rows = await listSigningCandidates(store);
  // One row per name may be verified; prefer it, else (gate off, development) the row
  // whose key was activated last.
  const byName = new Map<string, { verified: boolean; keys: DkimKeyRow[]; at: number }>();
  for (const { domain, keys } of rows) {
    const usable = signingKeys(
      keys.map((k) => ({ ...k, activatedAt: k.activatedAt ?? undefined, retiringSince: k.retiringSince ?? undefined })),
    ).filter((k) => k.inDns === true);
    if (usable.length === 0) continue;
    const verified = domain.verifiedAt !== null || domain.handVerified;
    const at = Math.max(...usable.map((k) => k.activatedAt ?? 0));
    const cur = byName.get(domain.name);
    if (!cur || (verified && !cur.verified) || (verified === cur.verified && at > cur.at)) {
      byName.set(domain.name, { verified, keys: usable as unknown as DkimKeyRow[], at });
    }
  }
  const next = new Map<string, DkimSigner>();
  const prints = new Map<string, string>();
  for (const [name, { keys }] of byName) {
    const fp = fingerprint(keys);
    prints.set(name, fp);
    const old = cache.signers.get(name);
    if (old && cache.fingerprints.get(name) === fp) {
      next.set(name, old);
      continue;
    }
    try {
      next.set(
        name,
        createDkimSigner(keys.map((k) => ({ domain: name, selector: k.selector, algorithm: k.algorithm, privateKey: open(cache.masterKey, k.privateKeySealed, sealPurpose) }))),
      );
    } catch (err) {
      // A key that cannot be opened (wrong master key) must not stop the others from signing.
      process.emitWarning(`DKIM keys of ${name} cannot be loaded: ${(err as Error).message}`);
    }
  }
  cache.signers = next;
  cache.fingerprints = prints;
  cache.loaded = true;
}

function reload(store: Store, cache: Cache): Promise<void> {
  // Coalesce: one reload at a time, and one more after it if asked meanwhile.
  const run = (cache.loading ?? Promise.resolve()).then(() => load(store, cache));
  const p = run.catch((err) => process.emitWarning(`DKIM signer cache reload failed: ${(err as Error).message}`)).finally(() => {
    if (cache.loading === p) cache.loading = undefined;
  });
  cache.loading = p;
  return p;
}

/**
 * The MTA's DKIM lookup for a node: From domain → signer (callable `(raw) => Buffer`, plus
 * `signAsync`), or undefined when the domain has no key in DNS. Synchronous; the first call
 * starts loading the keys (await `signersReady(node)` to wait for it).
 */
export function signerFor(node: { store: Store; masterKey: Buffer }): (domain: string) => DkimSigner | undefined {
  let cache = caches.get(node.store);
  if (!cache) {
    cache = { masterKey: node.masterKey, signers: new Map(), fingerprints: new Map(), loaded: false };
    caches.set(node.store, cache);
    void reload(node.store, cache);
  }
  const c = cache;
  return (domain: string) => {
    const d = domain.trim().toLowerCase().replace(/\.$/, '');
    return c.signers.get(d) ?? c.signers.get((domainToASCII(d) || d).toLowerCase());
  };
}

/** Resolves once the node's signer cache has loaded (after `signerFor`). */
export async function signersReady(node: { store: Store; masterKey: Buffer }): Promise<void> {
  signerFor(node);
  const c = caches.get(node.store)!;
  while (c.loading) await c.loading;
  if (!c.loaded) await reload(node.store, c);
}

/** Reloads the signers of a store (after a check or rotation); a no-op when nobody asked for signers. */
export async function refreshSigners(store: Store): Promise<void> {
  const c = caches.get(store);
  if (c) await reload(store, c);
}

/** Forgets a store's cache (node shutdown). */
export function dropSigners(store: Store): void {
  caches.delete(store);
}
