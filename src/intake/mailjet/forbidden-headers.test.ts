import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FORBIDDEN_HEADERS, isForbiddenHeader } from './forbidden-headers.ts';

test('every forbidden header entry is well formed and its example matches it', () => {
  const seen = new Set<string>();
  for (const h of FORBIDDEN_HEADERS) {
    assert.match(h.name, /^[!-9;-~]+$/, h.name);
    assert.ok(!seen.has(h.name.toLowerCase()), `duplicate ${h.name}`);
    seen.add(h.name.toLowerCase());
    const colon = h.example.indexOf(':');
    assert.ok(colon > 0, h.example);
    assert.equal(h.example.slice(0, colon).toLowerCase(), h.name.toLowerCase(), h.example);
    assert.ok(isForbiddenHeader(h.example.slice(0, colon)));
    assert.ok(isForbiddenHeader(h.name.toUpperCase()));
  }
});

test("Mailjet's published list is complete", () => {
  const mailjet = FORBIDDEN_HEADERS.filter((h) => h.source === 'mailjet').length;
  assert.equal(mailjet, 37);
});

test('ordinary custom headers are allowed', () => {
  for (const name of ['X-Order-Id', 'Reply-To', 'X-Priority', 'In-Reply-To', 'References', 'X-Relais-Stream']) {
    assert.equal(isForbiddenHeader(name), false, name);
  }
});
