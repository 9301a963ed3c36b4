import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DnsAnswer, TxtRecord } from '../../dns/resolver.ts';
import {
  applyMtaSts,
  fetchMtaStsPolicy,
  memoryMtaStsCache,
  type MtaStsFetchResponse,
  type MtaStsPolicy,
  mxAllowedByPolicy,
  mxMatchesPolicy,
  parseMtaStsPolicy,
  parseMtaStsTxt,
} from './mta-sts.ts';

// The example policy of RFC 8461 §3.2.
const RFC_POLICY = 'version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n';

test('parseMtaStsPolicy: the RFC example and variants', () => {
  assert.deepEqual(parseMtaStsPolicy(RFC_POLICY), {
    version: 'STSv1',
    mode: 'enforce',
    mx: ['mail.example.com', '*.example.net', 'backupmx.example.com'],
    maxAgeSeconds: 604800,
  });
  const lf = parseMtaStsPolicy('version: STSv1\nmode: testing\nmx: MX1.Example.ORG.\nmax_age: 86400\nextension_field: whatever\n');
  assert.equal(lf.mode, 'testing');
  assert.deepEqual(lf.mx, ['mx1.example.org'], 'lowercased, trailing dot dropped; unknown fields ignored');
  assert.deepEqual(parseMtaStsPolicy('version: STSv1\nmode: none\nmax_age: 3600').mx, []);
  assert.equal(parseMtaStsPolicy('version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 9999999999').maxAgeSeconds, 31_557_600, 'capped at a year');
  const bad: [string, RegExp][] = [
    ['mode: enforce\nmx: a.example\nmax_age: 1', /version/],
    ['version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1', /version/],
    ['version: STSv1\nmode: strict\nmx: a.example\nmax_age: 1', /mode/],
    ['version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -5', /max_age/],
    ['version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 99999999999', /max_age/],
    ['version: STSv1\nmode: enforce\nmx: a.example', /max_age/],
    ['version: STSv1\nmode: enforce\nmax_age: 60', /no mx/],
    ['version: STSv1\nmode: enforce\nmx: a.*.example\nmax_age: 60', /invalid mx/],
    ['<html>not a policy</html>', /malformed/],
  ];
  for (const [text, want] of bad) assert.throws(() => parseMtaStsPolicy(text), want, text);
});

test('mx matching: exact names and one-label wildcards (RFC 8461 §4.1)', () => {
  const p = parseMtaStsPolicy(RFC_POLICY);
  const table: [string, boolean][] = [
    ['mail.example.com', true],
    ['MAIL.example.com.', true],
    ['backupmx.example.com', true],
    ['mx1.example.net', true],
    ['example.net', false],
    ['a.b.example.net', false],
    ['evil-example.net', false],
    ['mail.example.org', false],
  ];
  for (const [mx, want] of table) assert.equal(mxMatchesPolicy(mx, p), want, mx);
  assert.equal(mxAllowedByPolicy('mail.example.org', p), false, 'enforce blocks a mismatch');
  assert.equal(mxAllowedByPolicy('mail.example.org', { ...p, mode: 'testing' }), true, 'testing only reports');
  assert.equal(mxAllowedByPolicy('mail.example.org', { ...p, mode: 'none' }), true);
});

test('parseMtaStsTxt: exactly one v=STSv1 record with an id', () => {
  assert.equal(parseMtaStsTxt(['v=STSv1; id=20160831085700Z;']), '20160831085700Z');
  assert.equal(parseMtaStsTxt(['v=spf1 -all', 'v=STSv1; id=abc123']), 'abc123');
  assert.equal(parseMtaStsTxt(['v=STSv1; id=a', 'v=STSv1; id=b']), undefined, 'two records: no policy');
  assert.equal(parseMtaStsTxt(['v=STSv1; id=not-alnum!']), undefined);
  assert.equal(parseMtaStsTxt(['v=STSv1;']), undefined);
  assert.equal(parseMtaStsTxt([]), undefined);
});

/** A fake DNS + HTTPS world for one domain. */
function world() {
  const state = {
    txt: ['v=STSv1; id=one'] as string[] | 'nxdomain' | 'temporary',
    status: 200,
    contentType: 'text/plain; charset=utf-8' as string | null,
    body: 'version: STSv1\nmode: enforce\nmx: *.mail.example.org\nmax_age: 86400\n',
    fetches: [] as { url: string; redirect: string }[],
    throwOnFetch: false,
    t: 1_000_000,
  };
  const cache = memoryMtaStsCache();
  const io = {
    cache,
    now: () => state.t,
    resolveTxt: async (name: string): Promise<DnsAnswer<TxtRecord>> => {
      assert.equal(name, '_mta-sts.example.org');
      if (state.txt === 'nxdomain') return { status: 'nxdomain' };
      if (state.txt === 'temporary') return { status: 'temporary', reason: 'servfail', message: 'SERVFAIL' };
      return { status: 'ok', ttl: 300, records: state.txt.map((text) => ({ text, strings: [text] })) };
    },
    fetch: async (url: string, init: { redirect: 'manual' }): Promise<MtaStsFetchResponse> => {
      state.fetches.push({ url, redirect: init.redirect });
      if (state.throwOnFetch) throw new Error('ECONNREFUSED');
      return { status: state.status, headers: { get: (h: string) => (h === 'content-type' ? state.contentType : null) }, text: async () => state.body };
    },
  };
  return { state, io, cache };
}

test('fetchMtaStsPolicy: fetches once, then serves the cache until max_age or a new id', async () => {
  const { state, io } = world();
  const first = await fetchMtaStsPolicy('Example.org.', io);
  assert.equal(first.policy?.mode, 'enforce');
  assert.deepEqual(state.fetches, [{ url: 'https://mta-sts.example.org/.well-known/mta-sts.txt', redirect: 'manual' }]);
  const second = await fetchMtaStsPolicy('example.org', io);
  assert.equal(second.policy && second.source, 'cache');
  assert.equal(state.fetches.length, 1, 'same id, unexpired: no HTTPS');
  state.txt = ['v=STSv1; id=two'];
  state.body = state.body.replace('enforce', 'testing');
  const third = await fetchMtaStsPolicy('example.org', io);
  assert.equal(third.policy?.mode, 'testing', 'a new id is refetched');
  assert.equal(state.fetches.length, 2);
  state.t += 86_400_000; // max_age passes
  await fetchMtaStsPolicy('example.org', io);
  assert.equal(state.fetches.length, 3, 'expired: refetched');
});

test('fetchMtaStsPolicy: a cached policy survives DNS and HTTPS failures until it expires', async () => {
  const { state, io } = world();
  await fetchMtaStsPolicy('example.org', io);
  for (const txt of ['nxdomain', 'temporary', ['v=spf1 -all']] as const) {
    state.txt = txt as typeof state.txt;
    const r = await fetchMtaStsPolicy('example.org', io);
    assert.equal(r.policy?.mode, 'enforce', `TXT ${JSON.stringify(txt)}: keep enforcing`);
    assert.equal(r.policy && r.source, 'stale-dns');
  }
  state.txt = ['v=STSv1; id=three'];
  state.throwOnFetch = true;
  const r = await fetchMtaStsPolicy('example.org', io);
  assert.equal(r.policy && r.source, 'stale-fetch');
  state.t += 86_400_000;
  const gone = await fetchMtaStsPolicy('example.org', io);
  assert.equal(gone.policy, null, 'expired and unreachable: no policy');
});

test('fetchMtaStsPolicy: no policy without TXT; redirects, wrong type and bad bodies are refused', async () => {
  const cases: [Partial<ReturnType<typeof world>['state']>, RegExp][] = [
    [{ txt: 'nxdomain' }, /no _mta-sts TXT/],
    [{ txt: 'temporary' }, /TXT lookup failed/],
    [{ txt: ['v=STSv1; id=a', 'v=STSv1; id=b'] }, /no single valid/],
    [{ status: 301 }, /HTTP 301/],
    [{ status: 404 }, /HTTP 404/],
    [{ contentType: 'text/html' }, /content type/],
    [{ body: 'version: STSv1\nmode: enforce\n' }, /max_age/],
    [{ body: 'x'.repeat(70 * 1024) }, /64 KiB/],
    [{ throwOnFetch: true }, /ECONNREFUSED/],
  ];
  for (const [patch, want] of cases) {
    const { state, io, cache } = world();
    Object.assign(state, patch);
    const r = await fetchMtaStsPolicy('example.org', io);
    assert.equal(r.policy, null, JSON.stringify(patch).slice(0, 80));
    assert.match((r as { reason: string }).reason, want);
    assert.equal(cache.size(), 0, 'nothing cached from a failure');
  }
  const { state, io } = world();
  state.contentType = null; // a missing header is tolerated
  assert.equal(((await fetchMtaStsPolicy('example.org', io)).policy as MtaStsPolicy).mode, 'enforce');
});

test('applyMtaSts: enforce filters hosts and demands valid TLS; testing only reports', () => {
  const enforce = { policy: parseMtaStsPolicy(RFC_POLICY), id: 'x', source: 'fetched' as const };
  const hosts = [{ host: 'mx1.example.net', port: 25 }, { host: 'mail.example.org', port: 25 }];
  assert.deepEqual(applyMtaSts(hosts, enforce), { hosts: [hosts[0]], requireValidTls: true, mismatched: ['mail.example.org'] });
  const testing = { ...enforce, policy: { ...enforce.policy, mode: 'testing' as const } };
  assert.deepEqual(applyMtaSts(['mx1.example.net', 'mail.example.org'], testing), {
    hosts: ['mx1.example.net', 'mail.example.org'],
    requireValidTls: false,
    mismatched: ['mail.example.org'],
  });
  assert.deepEqual(applyMtaSts(['a.example'], { policy: null, reason: 'none' }), { hosts: ['a.example'], requireValidTls: false, mismatched: [] });
  assert.deepEqual(applyMtaSts(['a.example'], undefined).hosts, ['a.example']);
  assert.deepEqual(applyMtaSts(['mail.example.org'], enforce).hosts, [], 'no allowed host: the caller defers (mta-sts-mx-mismatch)');
});
