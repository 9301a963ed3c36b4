import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyTemplate, renderMessage } from './render-message.ts';
import type { NormalizedMessage } from './types.ts';
import { validateSendRequest } from './validate-request.ts';

function message(fields: Record<string, unknown>): NormalizedMessage {
  const v = validateSendRequest({ Messages: [{ To: [{ Email: 'a@example.org' }], ...fields }] });
  assert.ok(v.ok && v.messages[0]!.ok, JSON.stringify(v));
  return v.messages[0].message;
}

test('TemplateLanguage renders Subject, TextPart and HTMLPart (HTML escaped)', () => {
  const r = renderMessage(
    message({
      From: { Email: 'f@example.com' },
      TemplateLanguage: true,
      Subject: 'Order {{var:order}}',
      TextPart: 'Hi {{var:name}}',
      HTMLPart: '<p>Hi {{var:name}}</p>',
      Variables: { order: 7, name: 'Tom & Jerry' },
    }),
  );
  assert.ok(r.ok);
  assert.equal(r.message.subject, 'Order 7');
  assert.equal(r.message.textPart, 'Hi Tom & Jerry');
  assert.equal(r.message.htmlPart, '<p>Hi Tom &amp; Jerry</p>');
});

test('without TemplateLanguage the text is left alone', () => {
  const m = message({ From: { Email: 'f@example.com' }, TextPart: 'Hi {{var:name}}' });
  const r = renderMessage(m);
  assert.ok(r.ok);
  assert.equal(r.message.textPart, 'Hi {{var:name}}');
});

test('a template error blocks by default and delivers with TemplateErrorDeliver', () => {
  const base = { From: { Email: 'f@example.com' }, TemplateLanguage: true, TextPart: 'Hi {{var:name}}' };
  const blocked = renderMessage(message(base));
  assert.equal(blocked.ok, false);
  assert.match(blocked.templateErrors[0]!, /^TextPart: variable "var:name"/);
  const delivered = renderMessage(message({ ...base, TemplateErrorDeliver: true, TemplateErrorReporting: { Email: 'dev@example.com' } }));
  assert.equal(delivered.ok, true);
  assert.equal(delivered.templateErrors.length, 1);
  assert.equal(delivered.message.textPart, 'Hi ');
});

test('a variable cannot put a line break into the Subject', () => {
  const r = renderMessage(
    message({ From: { Email: 'f@example.com' }, TemplateLanguage: true, Subject: 'Hi {{var:x}}', TextPart: 't', Variables: { x: 'a\r\nBcc: v@example.org' } }),
  );
  assert.equal(r.message.subject, 'Hi a Bcc: v@example.org');
});

test('applyTemplate: template fills From and parts; HTMLPart plus template HTML is send-0004', () => {
  const m = message({ TemplateID: 5, Subject: 'Mine' });
  const r = applyTemplate(m, { from: { email: 'tpl@example.com' }, subject: 'Theirs', textPart: 't', htmlPart: '<p>h</p>' });
  assert.ok(r.ok);
  assert.equal(r.message.from!.email, 'tpl@example.com');
  assert.equal(r.message.subject, 'Mine');
  assert.equal(r.message.htmlPart, '<p>h</p>');
  const clash = applyTemplate(message({ TemplateID: 5, HTMLPart: '<p>mine</p>', From: { Email: 'f@example.com' } }), { htmlPart: '<p>h</p>' });
  assert.ok(!clash.ok);
  assert.deepEqual(clash.errors.map((e) => [e.ErrorCode, e.ErrorRelatedTo]), [['send-0004', ['HTMLPart', 'TemplateID']]]);
  const noFrom = applyTemplate(message({ TemplateID: 5 }), { textPart: 't' });
  assert.ok(!noFrom.ok);
  assert.equal(noFrom.errors[0]!.ErrorCode, 'mj-0003');
});
