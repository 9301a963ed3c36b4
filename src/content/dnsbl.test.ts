import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkContent } from './check.ts';
import { interpretBlocklistAnswer } from './dnsbl.ts';

test('interpretBlocklistAnswer: listings, refusals and junk', () => {
  const table: [Parameters<typeof interpretBlocklistAnswer>[0], string[], string][] = [
    ['dbl', ['127.0.1.2'], 'listed:spam domain'],
    ['dbl', ['127.0.1.4'], 'listed:phishing domain'],
    ['dbl', ['127.0.1.255'], 'error'],
    ['dbl', ['127.255.255.254'], 'error'],
    ['dbl', ['127.255.255.252'], 'error'],
    ['surbl', ['127.0.0.8'], 'listed:phishing'],
    ['surbl', ['127.0.0.80'], 'listed:malware+abuse'],
    ['surbl', ['127.0.0.1'], 'error'],
    ['uribl', ['127.0.0.2'], 'listed:black'],
    ['uribl', ['127.0.0.14'], 'listed:black+grey+red'],
    ['uribl', ['127.0.0.1'], 'error'],
    ['uribl', ['10.0.0.1'], 'error'],
  ];
  for (const [kind, addrs, want] of table) {
    const r = interpretBlocklistAnswer(kind, addrs);
    const got = 'error' in r ? 'error' : r.listed ? `listed:${r.detail}` : 'clean';
    assert.equal(got, want, `${kind} ${addrs}`);
  }
});

test('checkContent queries link domains only with an injected resolver', async () => {
  const asked: string[] = [];
  const lookup = async (name: string) => {
    asked.push(name);
    if (name === 'bad-shop.example.dbl.spamhaus.org') return ['127.0.1.2'];
    if (name.endsWith('.multi.uribl.com')) return ['127.0.0.1']; // refused: public resolver
    return null;
  };
  const input = { subject: 'Order', html: '<p>See <a href="https://www.bad-shop.example/x">the shop</a> and <a href="https://good.example/">this</a>.</p>', text: 'See the shop https://www.bad-shop.example/x and https://good.example/' };
  const r = await checkContent(input, { dnsLookupA: lookup });
  const hit = r.hits.find((h) => h.rule === 'URIBL_DBL');
  assert.ok(hit, 'DBL listing must be a hit');
  assert.equal(hit.matched, 'bad-shop.example');
  assert.ok(!r.hits.some((h) => h.rule === 'URIBL_URIBL'), 'a refusal is not a listing');
  assert.ok(r.errors.some((e) => e.includes('refused')));
  assert.ok(asked.includes('good.example.multi.surbl.org'));
  const off = await checkContent(input);
  assert.ok(!off.hits.some((h) => h.rule.startsWith('URIBL_')));
  assert.equal(off.errors.length, 0);
});

test('a hanging resolver times out into an error', async () => {
  const r = await checkContent({ subject: 'x', text: 'https://slow.example/' }, { dnsLookupA: () => new Promise(() => {}), dnsTimeoutMs: 50 });
  assert.ok(r.errors.length >= 1 && r.errors.every((e) => e.includes('timed out')));
  assert.ok(!r.hits.some((h) => h.rule.startsWith('URIBL_')));
});
