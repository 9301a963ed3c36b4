// DKIM key rotation as a pure decision over plain data. The invariant: nothing signs with a
// key that has not been seen in DNS. A new key is published first (pending), signing
// switches to it only once the domain check has found it, and the old key stays published
// (retiring) for an overlap so that mail already signed with it keeps verifying.
import type { DkimAlgorithm } from './dkim-keys.ts';

export type DkimKeyState = 'pending' | 'active' | 'retiring' | 'retired';

export interface RotationKey {
  selector: string;
  algorithm: DkimAlgorithm;
  state: DkimKeyState;
  createdAt: number;
  /** When it became active (ms). */
  activatedAt?: number;
  /** When it stopped signing (ms). */
  retiringSince?: number;
  /**
   * The latest DNS check of this selector: true = our key is published, false = it is
   * missing or wrong, 'unknown' = not checked yet or a temporary DNS error.
   */
  inDns: boolean | 'unknown';
}

export interface RotationPolicy {
  /** Rotate keys older than this (default 180 days; M3AAWG suggests at least twice a year). */
  maxActiveAgeMs: number;
  /** Keep a replaced key published this long (default 7 days). */
  overlapMs: number;
}

export const DEFAULT_ROTATION_POLICY: RotationPolicy = { maxActiveAgeMs: 180 * 86_400_000, overlapMs: 7 * 86_400_000 };

export type RotationAction =
  /** Generate a key (state pending) and show the tenant its TXT record. */
  | { type: 'publish-new'; algorithm: DkimAlgorithm; reason: string }
  /** Make `selector` the signing key; `replaces` (if any) becomes retiring. */
  | { type: 'switch-signing'; selector: string; replaces?: string }
  /** The key stops signing because DNS no longer has it (signing resumes once it is back). */
  | { type: 'stop-signing'; selector: string; reason: string }
  /** Mark retired; the tenant may delete its TXT record. */
  | { type: 'retire'; selector: string }
  /** Nothing to do yet for this key. */
  | { type: 'wait'; selector: string; reason: string };

export interface RotationInput {
  keys: RotationKey[];
  now: number;
  policy?: RotationPolicy;
  /** `relais domain rotate-key`: start a rotation now for these algorithms. */
  rotateNow?: DkimAlgorithm[];
}

/** The keys allowed to sign right now: active and confirmed in DNS (or last confirmed and only temporarily unknown). */
export function signingKeys<K extends RotationKey>(keys: readonly K[]): K[] {
  return keys.filter((k) => k.state === 'active' && k.inDns !== false && k.activatedAt !== undefined);
}

export function decideRotation({ keys, now, policy = DEFAULT_ROTATION_POLICY, rotateNow = [] }: RotationInput): RotationAction[] {
  const actions: RotationAction[] = [];
  const algorithms = [...new Set(keys.map((k) => k.algorithm)), ...rotateNow].filter((a, i, all) => all.indexOf(a) === i);
  for (const algorithm of algorithms) {
    const mine = keys.filter((k) => k.algorithm === algorithm);
    const active = mine.filter((k) => k.state === 'active').sort((a, b) => (b.activatedAt ?? 0) - (a.activatedAt ?? 0));
    const current = active[0];
    const pending = mine.filter((k) => k.state === 'pending').sort((a, b) => b.createdAt - a.createdAt);
    const newest = pending[0];

    if (newest && newest.inDns === true) {
      actions.push({ type: 'switch-signing', selector: newest.selector, replaces: current?.selector });
    } else if (newest) {
      actions.push({
        type: 'wait',
        selector: newest.selector,
        reason: newest.inDns === false ? 'the new key is not in DNS yet; signing stays on the current key' : 'the new key has not been checked in DNS yet',
      });
    } else {
      const tooOld = current?.activatedAt !== undefined && now - current.activatedAt >= policy.maxActiveAgeMs;
      if (rotateNow.includes(algorithm)) actions.push({ type: 'publish-new', algorithm, reason: 'rotation requested' });
      else if (!current) actions.push({ type: 'publish-new', algorithm, reason: 'no key for this algorithm' });
      else if (tooOld) actions.push({ type: 'publish-new', algorithm, reason: `the signing key ${current.selector} is older than the rotation period` });
    }
    // Extra active keys (an interrupted switch) keep only the newest.
    for (const extra of active.slice(1)) actions.push({ type: 'switch-signing', selector: active[0]!.selector, replaces: extra.selector });
    if (current && current.inDns === false) {
      actions.push({ type: 'stop-signing', selector: current.selector, reason: `${current.selector} is no longer published in DNS; mail signed with it would fail DKIM` });
    }
    for (const k of mine.filter((x) => x.state === 'retiring')) {
      const since = k.retiringSince ?? now;
      if (now - since >= policy.overlapMs) actions.push({ type: 'retire', selector: k.selector });
      else actions.push({ type: 'wait', selector: k.selector, reason: 'still in the overlap period after being replaced' });
    }
  }
  return actions;
}

/**
 * Applies actions to the key list (what the store would persist), so callers and tests can
 * run the flow step by step. publish-new needs the generated key from the caller.
 */
export function applyRotation(keys: RotationKey[], actions: RotationAction[], now: number, newKeys: RotationKey[] = []): RotationKey[] {
  let out = keys.map((k) => ({ ...k }));
  for (const a of actions) {
    if (a.type === 'switch-signing') {
      out = out.map((k) => {
        if (k.selector === a.selector) return { ...k, state: 'active', activatedAt: now };
        if (k.selector === a.replaces) return { ...k, state: 'retiring', retiringSince: now };
        return k;
      });
    } else if (a.type === 'retire') {
      out = out.map((k) => (k.selector === a.selector ? { ...k, state: 'retired' } : k));
    }
  }
  return [...out, ...newKeys];
}
