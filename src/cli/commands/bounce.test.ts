import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { runCli } from '../main.ts';

const fx = (name: string) => fileURLToPath(new URL(`../../feedback/fixtures/${name}`, import.meta.url));

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

test('relais bounce parse --json: one object per file, per-recipient reason and hard/soft', async () => {
  const r = await run(['bounce', 'parse', '--json', fx('dsn-postfix-two-recipients.eml'), fx('vacation.eml'), fx('not-bounce.eml')]);
  assert.equal(r.code, 0);
  assert.equal(r.out.length, 3);
  const [dsn, vac, plain] = r.out.map((l) => JSON.parse(l));
  assert.equal(dsn.isBounce, true);
  assert.deepEqual(
    dsn.recipients.map((x: { address: string; reason: string; enhancedStatus: string; replyCode: number; bounce: string }) => [x.address, x.reason, x.enhancedStatus, x.replyCode, x.bounce]),
    [
      ['alice@example.org', 'userunknown', '5.1.1', 550, 'hard'],
      ['bob@example.org', 'mailboxfull', '5.2.2', 552, 'soft'],
    ],
  );
  assert.equal(vac.isBounce, false);
  assert.equal(vac.kind, 'vacation');
  assert.equal(plain.kind, 'not-bounce');
  assert.ok(plain.why);
});

test('relais bounce parse: readable output, missing file is an error', async () => {
  const r = await run(['bounce', 'parse', fx('qmail-text.eml'), '/nonexistent/file.eml']);
  assert.equal(r.code, 1);
  assert.match(r.out.join('\n'), /carol@example\.org\s+userunknown\s+hard\s+5\.1\.1\s+550/);
  assert.match(r.err.join('\n'), /nonexistent/);
  assert.equal((await run(['bounce', 'parse'])).code, 2);
});

test('relais arf parse --json: fields, or why it is not ARF', async () => {
  const r = await run(['arf', 'parse', '--json', fx('arf-abuse.eml'), fx('dsn-postfix-two-recipients.eml')]);
  assert.equal(r.code, 0);
  const [arf, notArf] = r.out.map((l) => JSON.parse(l));
  assert.equal(arf.isArf, true);
  assert.equal(arf.feedbackType, 'abuse');
  assert.equal(arf.sourceIp, '192.0.2.44');
  assert.equal(arf.originalMessageId, '<msg-100@relais.example.com>');
  assert.equal(notArf.isArf, false);
  assert.match(notArf.why, /feedback-report/);
  const text = await run(['arf', 'parse', fx('jmrp.eml')]);
  assert.match(text.out.join('\n'), /ARF jmrp feedback-type=abuse/);
});
