import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseArf } from './arf.ts';

const fx = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

test('RFC 5965 report: fields and the original message identity', () => {
  const r = parseArf(fx('arf-abuse.eml'));
  assert.equal(r.isArf, true);
  assert.equal(r.variant, 'rfc5965');
  assert.equal(r.feedbackType, 'abuse');
  assert.equal(r.userAgent, 'ExampleFBL/1.0');
  assert.equal(r.version, '1');
  assert.equal(r.originalRecipient, '<grace@isp.example.net>');
  assert.equal(r.originalMailFrom, '<b+2s-1-aaaaaaaaaa@bounces.example.com>');
  assert.equal(r.sourceIp, '192.0.2.44');
  assert.equal(r.arrivalDate, 'Mon, 1 Jan 2024 10:00:00 +0000');
  assert.equal(r.reportingMta, 'dns; mx.isp.example.net');
  assert.equal(r.reportedDomain, 'shop.example.com');
  assert.equal(r.originalMessageId, '<msg-100@relais.example.com>');
  assert.equal(r.feedbackId, '100:7:marketing:relais');
  assert.equal(r.originalHeaders?.['x-relais-message-id'], '100');
  assert.equal(r.authorDomain, 'shop.example.com');
});

test('Microsoft JMRP: recipient from X-HmXmrOriginalRecipient', () => {
  const r = parseArf(fx('jmrp.eml'));
  assert.equal(r.isArf, true);
  assert.equal(r.variant, 'jmrp');
  assert.equal(r.feedbackType, 'abuse');
  assert.equal(r.originalRecipient, '<heidi@outlook.example>');
  assert.equal(r.originalMessageId, '<msg-400@relais.example.com>');
});

test('not ARF: a DSN, plain mail, garbage — each with a reason', () => {
  for (const name of ['dsn-postfix-two-recipients.eml', 'not-bounce.eml']) {
    const r = parseArf(fx(name));
    assert.equal(r.isArf, false);
    assert.ok(r.why && r.why.length > 5, name);
  }
  for (const raw of ['', Buffer.from([0xff, 0, 0xfe]), 'Content-Type: multipart/report; report-type=feedback-report; boundary=z\n\n--z\nContent-Type: message/feedback-report\n\nUser-Agent: x\n--z--']) {
    const r = parseArf(raw);
    assert.equal(r.isArf, false);
    assert.ok(r.why);
  }
});

test('Received-Date (ARF draft) stands in for Arrival-Date; Removal-Recipient duplicates collapse', () => {
  const raw = fx('arf-abuse.eml')
    .toString('latin1')
    .replace('Arrival-Date:', 'Received-Date:')
    .replace('Source-IP:', 'Removal-Recipient: grace@isp.example.net\nSource-IP:');
  const r = parseArf(raw);
  assert.equal(r.arrivalDate, 'Mon, 1 Jan 2024 10:00:00 +0000');
  assert.deepEqual(r.originalRecipients, ['<grace@isp.example.net>']);
});

test('adversarial reports are parsed in bounded time', () => {
  const big = `Content-Type: multipart/report; report-type=feedback-report; boundary=z\n\n--z\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\n${'Original-Rcpt-To: a@example.org\n'.repeat(5_000)}Original-Rcpt-To: ${'<'.repeat(100_000)}\n--z\nContent-Type: message/rfc822\n\nFrom: ${'a@'.repeat(50_000)}\n\nx\n--z--\n`;
  const t0 = performance.now();
  const r = parseArf(big);
  assert.ok(performance.now() - t0 < 2000);
  assert.equal(r.isArf, true);
  // Duplicates collapse; the 64 KiB field limit cuts the rest.
  assert.deepEqual(r.originalRecipients, ['a@example.org']);
});
