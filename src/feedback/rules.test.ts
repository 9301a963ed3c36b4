import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyFailure, hostInvolved, normaliseReplyText, providerCodeReason } from './classify.ts';
import { HOST_RULES, POWERMTA_CATEGORIES, PROVIDER_CODES } from './rules/provider-rules.ts';
import { STATUS_RULES, statusReason } from './rules/status-rules.ts';
import { TEXT_RULES, VACATION_PATTERNS } from './rules/text-rules.ts';
import { isReason } from './taxonomy.ts';

test('every text rule is well-formed and its example matches its own pattern', () => {
  assert.ok(TEXT_RULES.length >= 25);
  for (const [i, r] of TEXT_RULES.entries()) {
    assert.ok(isReason(r.reason), `rule ${i}: unknown reason ${r.reason}`);
    assert.ok(r.example.length >= 10, `rule ${i} (${r.reason}) needs a real example text`);
    const re = new RegExp(r.pattern, 'i');
    assert.ok(re.test(normaliseReplyText(r.example)), `rule ${i} (${r.reason}) does not match its example: ${r.example}`);
  }
});

test('every text rule example is classified as its reason by the whole classifier', () => {
  for (const r of TEXT_RULES) {
    // The examples are RCPT/DATA-time replies; pass the command the example implies so the
    // command-dependent reasons (user unknown vs filtered) are tested as written.
    const c = classifyFailure({ text: r.example, command: r.reason === 'filtered' ? 'DATA' : undefined });
    assert.equal(c.reason, r.reason, `example for ${r.reason} classified as ${c.reason} (${c.basis}): ${r.example}`);
  }
});

test('every status rule names a valid code and reason and its example carries the code', () => {
  const seen = new Set<string>();
  for (const r of STATUS_RULES) {
    assert.match(r.status, /^X\.\d{1,3}\.(?:\d{1,3}|\*)$/);
    assert.ok(isReason(r.reason), r.reason);
    assert.ok(!seen.has(r.status), `duplicate status rule ${r.status}`);
    seen.add(r.status);
    const m = /([245])\.(\d{1,3})\.(\d{1,3})/.exec(r.example);
    assert.ok(m, `example for ${r.status} has no enhanced code`);
    const code = `${m[1]}.${m[2]}.${m[3]}`;
    assert.equal(statusReason(code)?.reason, r.reason, `${code} -> ${statusReason(code)?.reason}, want ${r.reason}`);
  }
});

test('vacation patterns match their examples', () => {
  for (const v of VACATION_PATTERNS) assert.match(v.example, new RegExp(v.pattern, 'i'));
});

test('every provider code has an example that carries the code and is classified as its reason', () => {
  for (const t of PROVIDER_CODES) {
    assert.ok(t.docs.length > 10, `${t.provider}: cite the published code list`);
    const re = new RegExp(t.label, 'i');
    for (const c of t.codes) {
      assert.ok(isReason(c.reason), c.reason);
      const norm = normaliseReplyText(c.example);
      const m = re.exec(norm);
      assert.ok(m, `${t.provider} ${c.code}: example does not carry a code: ${c.example}`);
      const got = providerCodeReason(norm, [])?.reason;
      assert.equal(got, c.reason, `${t.provider} ${c.code}: ${c.example}`);
      assert.equal(classifyFailure({ text: c.example }).reason, c.reason, `${t.provider} ${c.code} via classifier`);
    }
  }
});

test('every host rule example is classified as its reason when that host is involved, and not without it', () => {
  for (const [i, r] of HOST_RULES.entries()) {
    assert.ok(isReason(r.reason), `host rule ${i}: ${r.reason}`);
    assert.ok(r.example.length >= 10, `host rule ${i} needs a real example`);
    if (r.pattern) assert.match(normaliseReplyText(r.example), new RegExp(r.pattern, 'i'));
    const input = { text: r.example, enhanced: r.exampleStatus, command: r.exampleCommand };
    const withHost = classifyFailure({ ...input, hosts: [`mx.${r.hosts[0]}`] });
    assert.equal(withHost.reason, r.reason, `host rule ${i} (${r.provider}) gave ${withHost.reason} (${withHost.basis})`);
    // The same words from an unrelated host must not be decided by this rule (unless the
    // text itself names the provider's host, e.g. in a help URL).
    if (!hostInvolved(r.hosts, [], normaliseReplyText(r.example))) {
      const elsewhere = classifyFailure({ ...input, hosts: ['mx.example.net'] });
      assert.ok(!elsewhere.basis.startsWith('host:'), `host rule ${i} (${r.provider}) fired without its host`);
    }
  }
});

test('PowerMTA bounce categories name valid reasons', () => {
  for (const [k, v] of Object.entries(POWERMTA_CATEGORIES)) assert.ok(isReason(v), `${k} -> ${v}`);
  assert.equal(classifyFailure({ text: '550 5.2.1 <a@example.jp>... User Unknown', mtaReason: POWERMTA_CATEGORIES['bad-mailbox'] }).reason, 'userunknown');
});
