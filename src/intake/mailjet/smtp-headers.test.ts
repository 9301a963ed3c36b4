import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeMimeWords, extractMailjetSmtpHeaders, stripMailjetSmtpHeaders, takeMailjetSmtpHeaders } from './smtp-headers.ts';

test('all control headers map to the Send API option fields', () => {
  const { options, errors } = extractMailjetSmtpHeaders([
    ['X-MJ-CustomID', 'order-42'],
    ['X-MJ-EventPayload', '{"order":42}'],
    ['X-Mailjet-Campaign', 'spring'],
    ['X-Mailjet-DeduplicateCampaign', '1'],
    ['X-MJ-TemplateID', '1234'],
    ['X-MJ-TemplateLanguage', '1'],
    ['X-MJ-TemplateErrorReporting', 'Dev <dev@example.com>'],
    ['X-MJ-TemplateErrorDeliver', 'deliver'],
    ['X-MJ-Vars', '{"name":"Alice","items":[1,2]}'],
    ['X-Mailjet-TrackOpen', '0'],
    ['X-Mailjet-TrackClick', '1'],
    ['X-Mailjet-Prio', '2'],
    ['X-MJ-MonitoringCategory', 'billing'],
    ['Subject', 'not a control header'],
  ]);
  assert.deepEqual(errors, []);
  assert.deepEqual(options, {
    customId: 'order-42',
    eventPayload: '{"order":42}',
    customCampaign: 'spring',
    deduplicateCampaign: true,
    templateId: 1234,
    templateLanguage: true,
    templateErrorReporting: { email: 'dev@example.com' },
    templateErrorDeliver: true,
    variables: { name: 'Alice', items: [1, 2] },
    trackOpens: 'disabled',
    trackClicks: 'enabled',
    priority: 2,
    monitoringCategory: 'billing',
  });
});

test('header names are case-insensitive; folded and RFC 2047 values are decoded', () => {
  const { options } = extractMailjetSmtpHeaders([
    ['x-mj-customid', ' =?UTF-8?B?Q29tbWFuZGUgw6ly?=\r\n =?UTF-8?Q?=C3=A9e?= '],
    ['X-MJ-VARS', '{"a":\r\n 1}'],
  ]);
  assert.equal(options.customId, 'Commande érée');
  assert.deepEqual(options.variables, { a: 1 });
});

// [header, value, expected error substring]
const BAD: [string, string, string][] = [
  ['X-MJ-Vars', '{not json', 'not valid JSON'],
  ['X-MJ-Vars', '[1,2]', 'JSON object'],
  ['X-MJ-TemplateID', 'abc', 'positive integer'],
  ['X-MJ-TemplateID', '0', 'positive integer'],
  ['X-MJ-TemplateLanguage', 'maybe', '0 or 1'],
  ['X-Mailjet-TrackOpen', 'sometimes', '0 or 1'],
  ['X-Mailjet-Prio', '7', '0 to 4'],
  ['X-MJ-TemplateErrorReporting', 'not-an-address', 'invalid email address'],
  ['X-MJ-CustomID', 'x'.repeat(256), 'longer than 255'],
  ['X-Mailjet-DeduplicateCampaign', '1', 'needs X-Mailjet-Campaign'],
  ['X-MJ-TemplateErrorDeliver', '0', 'need X-MJ-TemplateLanguage'],
];
for (const [name, value, msg] of BAD) {
  test(`bad control header ${name}: ${value.slice(0, 20)}`, () => {
    const { errors } = extractMailjetSmtpHeaders([[name, value]]);
    assert.ok(errors.some((e) => e.includes(msg)), errors.join(' | '));
  });
}

const BODY = 'Content-Type: text/plain\r\n\r\nBody line 1\r\nX-MJ-CustomID: in the body stays\r\n\r\n\xff raw bytes\r\n';

test('strip removes control headers (folded ones whole) and keeps every other byte', () => {
  const head =
    'Received: from client\r\n\tby relais\r\nX-MJ-CustomID: abc\r\nFrom: a@example.com\r\nX-MJ-Vars: {"a":\r\n  1}\r\nX-Mailjet-Debug: 1\r\nSubject: hi\r\n';
  const raw = Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(BODY, 'latin1')]);
  const { message, removed } = stripMailjetSmtpHeaders(raw);
  assert.equal(
    message.toString('latin1'),
    `Received: from client\r\n\tby relais\r\nFrom: a@example.com\r\nSubject: hi\r\n${BODY}`,
  );
  assert.deepEqual(
    removed.map(([n]) => n),
    ['X-MJ-CustomID', 'X-MJ-Vars', 'X-Mailjet-Debug'],
  );
  // body bytes identical
  assert.ok(message.subarray(message.length - Buffer.byteLength(BODY, 'latin1')).equals(Buffer.from(BODY, 'latin1')));
});

test('strip with LF line endings and with nothing to strip', () => {
  const raw = Buffer.from('X-Mailjet-Campaign: c\nSubject: s\n\nbody\nX-Mailjet-Campaign: no\n');
  assert.equal(stripMailjetSmtpHeaders(raw).message.toString(), 'Subject: s\n\nbody\nX-Mailjet-Campaign: no\n');
  const plain = Buffer.from('Subject: s\r\n\r\nbody');
  assert.equal(stripMailjetSmtpHeaders(plain).message, plain);
});

test('a bare-LF header end counts when the body has a CRLF blank line after it, and not when it comes after one', () => {
  const mixed = Buffer.from('X-Mailjet-Campaign: c\nSubject: s\n\nbody\r\n\r\nX-Mailjet-Campaign: no\r\n');
  assert.equal(stripMailjetSmtpHeaders(mixed).message.toString(), 'Subject: s\n\nbody\r\n\r\nX-Mailjet-Campaign: no\r\n');
  const crlfFirst = Buffer.from('X-Mailjet-Campaign: c\r\nSubject: s\r\n\r\nbody\n\nX-Mailjet-Campaign: no\n');
  assert.equal(stripMailjetSmtpHeaders(crlfFirst).message.toString(), 'Subject: s\r\n\r\nbody\n\nX-Mailjet-Campaign: no\n');
});

test('take: rewrite and options together', () => {
  const r = takeMailjetSmtpHeaders(Buffer.from('X-Mailjet-Campaign: spring\r\nX-Mailjet-TrackClick: 0\r\nSubject: s\r\n\r\nhello'));
  assert.equal(r.message.toString(), 'Subject: s\r\n\r\nhello');
  assert.deepEqual(r.options, { customCampaign: 'spring', trackClicks: 'disabled' });
  assert.deepEqual(r.errors, []);
});

test('decodeMimeWords', () => {
  assert.equal(decodeMimeWords('=?ISO-8859-1?Q?Caf=E9?= au lait'), 'Café au lait');
  assert.equal(decodeMimeWords('=?utf-8?b?w6k=?= =?utf-8?b?w6k=?='), 'éé');
  assert.equal(decodeMimeWords('plain text'), 'plain text');
  assert.equal(decodeMimeWords('=?x-unknown?Q?abc?='), '=?x-unknown?Q?abc?=');
});
