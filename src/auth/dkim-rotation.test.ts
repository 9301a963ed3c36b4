import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyRotation, decideRotation, DEFAULT_ROTATION_POLICY, type RotationKey, signingKeys } from './dkim-rotation.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const key = (selector: string, state: RotationKey['state'], extra: Partial<RotationKey> = {}): RotationKey => ({
  selector,
  algorithm: 'rsa-sha256',
  state,
  createdAt: T0,
  inDns: true,
  ...extra,
});

test('decision table', () => {
  const cases: Array<[string, RotationKey[], number, Parameters<typeof decideRotation>[0]['rotateNow'], string[]]> = [
    ['new domain: publish a key', [], T0, ['rsa-sha256'], ['publish-new']],
    ['pending not yet in DNS: wait, never switch', [key('b', 'pending', { inDns: false })], T0, [], ['wait:b']],
    ['pending unchecked: wait', [key('b', 'pending', { inDns: 'unknown' })], T0, [], ['wait:b']],
    ['pending verified, none active: switch', [key('b', 'pending')], T0, [], ['switch-signing:b']],
    ['young active: nothing', [key('a', 'active', { activatedAt: T0 })], T0 + 10 * DAY, [], []],
    ['old active: publish new', [key('a', 'active', { activatedAt: T0 })], T0 + 181 * DAY, [], ['publish-new']],
    ['rotate on request', [key('a', 'active', { activatedAt: T0 })], T0 + DAY, ['rsa-sha256'], ['publish-new']],
    ['new verified: switch, old replaced', [key('a', 'active', { activatedAt: T0 }), key('b', 'pending')], T0 + DAY, [], ['switch-signing:b']],
    ['active key vanished from DNS: stop signing', [key('a', 'active', { activatedAt: T0, inDns: false })], T0 + DAY, [], ['stop-signing:a']],
    ['retiring within overlap: wait', [key('n', 'active', { activatedAt: T0 }), key('a', 'retiring', { retiringSince: T0 })], T0 + DAY, [], ['wait:a']],
    ['retiring after overlap: retire', [key('n', 'active', { activatedAt: T0 }), key('a', 'retiring', { retiringSince: T0 })], T0 + 8 * DAY, [], ['retire:a']],
    ['only a retiring key left: a new one is needed', [key('a', 'retiring', { retiringSince: T0 })], T0 + DAY, [], ['publish-new', 'wait:a']],
  ];
  for (const [label, keys, now, rotateNow, want] of cases) {
    const got = decideRotation({ keys, now, rotateNow }).map((a) => ('selector' in a ? `${a.type}:${a.selector}` : a.type));
    assert.deepEqual(got, want, label);
  }
});

test('a full rotation never signs with a key that is not in DNS', () => {
  let keys: RotationKey[] = [key('rls2026011', 'active', { activatedAt: T0 })];
  let now = T0 + 200 * DAY;
  const signers: string[][] = [];
  const step = (dnsHasNew: boolean | 'unknown') => {
    keys = keys.map((k) => (k.state === 'pending' ? { ...k, inDns: dnsHasNew } : k));
    const actions = decideRotation({ keys, now });
    const fresh = actions.some((a) => a.type === 'publish-new') ? [key('rls2026071', 'pending', { createdAt: now, inDns: 'unknown' })] : [];
    keys = applyRotation(keys, actions, now, fresh);
    const s = signingKeys(keys);
    for (const k of s) assert.notEqual(k.inDns, false, `${k.selector} signs but is not in DNS`);
    signers.push(s.map((k) => k.selector));
    now += DAY;
  };
  step('unknown'); // old key too old → new pending key generated
  step(false); // tenant has not published yet
  step('unknown'); // DNS temporarily failing
  step(true); // published: switch
  for (let i = 0; i < 8; i++) step(true); // overlap, then retire
  assert.deepEqual(signers.slice(0, 4), [['rls2026011'], ['rls2026011'], ['rls2026011'], ['rls2026071']]);
  assert.equal(keys.find((k) => k.selector === 'rls2026011')?.state, 'retired');
  assert.equal(keys.find((k) => k.selector === 'rls2026071')?.state, 'active');
  assert.equal(DEFAULT_ROTATION_POLICY.overlapMs, 7 * DAY);
});

test('signingKeys excludes pending, retiring and keys DNS no longer has', () => {
  const keys = [
    key('a', 'active', { activatedAt: T0 }),
    key('b', 'pending'),
    key('c', 'retiring', { retiringSince: T0 }),
    key('d', 'active', { activatedAt: T0, inDns: false, algorithm: 'ed25519-sha256' }),
    key('e', 'active', { activatedAt: T0, inDns: 'unknown', algorithm: 'ed25519-sha256' }),
  ];
  assert.deepEqual(
    signingKeys(keys).map((k) => k.selector),
    ['a', 'e'],
  );
});
