// docs/delivery.md lists the built-in data for operators; this keeps it from drifting.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { BUILTIN_AUTOMATION } from './automation-rules.ts';
import { PROVIDERS } from './provider-catalogue.ts';
import { BUILTIN_SHAPING } from './shaping-rules.ts';

const doc = readFileSync(new URL('../../../docs/delivery.md', import.meta.url), 'utf8');

test('docs/delivery.md names every provider, shaped provider and automation rule', () => {
  for (const p of PROVIDERS) assert.ok(doc.includes(`| \`${p.id}\` |`), `provider ${p.id} missing from docs/delivery.md`);
  for (const id of Object.keys(BUILTIN_SHAPING.providers)) assert.ok(doc.includes(`| \`${id}\` | `), `shaping for ${id} missing`);
  for (const r of BUILTIN_AUTOMATION) assert.ok(doc.includes(`| \`${r.id}\` |`), `automation rule ${r.id} missing`);
  assert.ok(doc.includes('## Egress IPs and pools'));
});
