import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateSendRequest } from './validate-request.ts';

const ok = (extra: Record<string, unknown> = {}) => ({
  From: { Email: 'pilot@example.com', Name: 'Pilot' },
  To: [{ Email: 'passenger@example.org', Name: 'Passenger' }],
  Subject: 'Flight plan',
  TextPart: 'Hello',
  ...extra,
});

/** The error codes and related-to paths of the single message in `body`. */
function messageErrors(body: unknown): [string, string[]][] {
  const v = validateSendRequest(body);
  assert.ok(v.ok, `request-level failure: ${JSON.stringify(v)}`);
  const m = v.messages[0]!;
  assert.equal(m.ok, false, 'message should be rejected');
  if (m.ok) return [];
  for (const e of m.errors) {
    assert.match(e.ErrorIdentifier, /^[0-9a-f-]{36}$/);
    assert.equal(typeof e.ErrorMessage, 'string');
    assert.ok(e.ErrorMessage.length > 0);
  }
  return m.errors.map((e) => [e.ErrorCode, e.ErrorRelatedTo]);
}

const b64 = (n: number) => Buffer.alloc(n, 7).toString('base64');
const many = (n: number) => Array.from({ length: n }, (_, i) => ({ Email: `r${i}@example.org` }));

// [label, message fields (merged over a valid message), expected [code, relatedTo][]]
const INVALID: [string, Record<string, unknown>, [string, string[]][]][] = [
  ['no content', { TextPart: undefined }, [['send-0003', ['TextPart', 'HTMLPart', 'TemplateID']]]],
  ['From missing', { From: undefined }, [['mj-0003', ['From']]]],
  ['To missing', { To: undefined }, [['mj-0003', ['To']]]],
  ['To empty', { To: [] }, [['mj-0007', ['To']]]],
  ['To not an array', { To: { Email: 'a@example.org' } }, [['mj-0004', ['To']]]],
  ['From as array', { From: [{ Email: 'pilot@example.com' }] }, [['mj-0004', ['From']]]],
  ['Email a number', { To: [{ Email: 42 }] }, [['mj-0004', ['To[0].Email']]]],
  ['Email empty', { To: [{ Email: '' }] }, [['mj-0012', ['To[0].Email']]]],
  ['Subject a number', { Subject: 12 }, [['mj-0004', ['Subject']]]],
  ['TextPart an object', { TextPart: { a: 1 } }, [['mj-0004', ['TextPart']], ['send-0003', ['TextPart', 'HTMLPart', 'TemplateID']]]],
  ['TemplateID a string', { TemplateID: '12' }, [['mj-0004', ['TemplateID']]]],
  ['TemplateID negative', { TemplateID: -3 }, [['mj-0005', ['TemplateID']]]],
  ['TemplateLanguage a string', { TemplateLanguage: 'true' }, [['mj-0004', ['TemplateLanguage']]]],
  ['Variables an array', { Variables: [1, 2] }, [['mj-0004', ['Variables']]]],
  ['51 variables', { Variables: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`v${i}`, i])) }, [['mj-0008', ['Variables']]]],
  ['Priority out of range', { Priority: 9 }, [['mj-0005', ['Priority']]]],
  ['Priority a float', { Priority: 1.5 }, [['mj-0004', ['Priority']]]],
  ['TrackOpens bad value', { TrackOpens: 'yes' }, [['mj-0005', ['TrackOpens']]]],
  ['TrackClicks boolean', { TrackClicks: true }, [['mj-0004', ['TrackClicks']]]],
  ['Subject too long', { Subject: 'x'.repeat(256) }, [['mj-0006', ['Subject']]]],
  ['URLTags too long', { URLTags: 'a=1&'.repeat(65) }, [['mj-0006', ['URLTags']]]],
  ['51 To', { To: many(51) }, [['send-0015', ['To']]]],
  ['51 Cc', { Cc: many(51) }, [['send-0015', ['Cc']]]],
  ['51 Bcc', { Bcc: many(51) }, [['send-0015', ['Bcc']]]],
  ['invalid address', { To: [{ Email: 'brokenemail' }] }, [['mj-0013', ['To[0].Email']]]],
  ['numeric TLD', { To: [{ Email: 'invalid@123.4' }] }, [['mj-0013', ['To[0].Email']]]],
  ['no TLD', { Cc: [{ Email: 'foo@test' }] }, [['mj-0013', ['Cc[0].Email']]]],
  ['SMTPUTF8 local part', { To: [{ Email: 'jörg@example.de' }] }, [['mj-0013', ['To[0].Email']]]],
  ['address with CRLF', { To: [{ Email: 'a@example.org\r\nBcc: x@evil.example' }] }, [['mj-0013', ['To[0].Email']]]],
  ['CRLF in Subject', { Subject: 'Hi\r\nBcc: victim@example.org' }, [['mj-0005', ['Subject']]]],
  ['LF in Subject', { Subject: 'Hi\nX: y' }, [['mj-0005', ['Subject']]]],
  ['CR in From name', { From: { Email: 'pilot@example.com', Name: 'Pilot\rBcc: x@example.org' } }, [['mj-0005', ['From.Name']]]],
  ['LF in To name', { To: [{ Email: 'a@example.org', Name: 'A\nB' }] }, [['mj-0005', ['To[0].Name']]]],
  ['CRLF in header value', { Headers: { 'X-Tag': 'a\r\nBcc: x@example.org' } }, [['mj-0005', ['Headers["X-Tag"]']]]],
  ['NUL in header value', { Headers: { 'X-Tag': 'a\u0000b' } }, [['mj-0005', ['Headers["X-Tag"]']]]],
  ['header name with colon', { Headers: { 'X-Tag: y': 'a' } }, [['mj-0005', ['Headers["X-Tag: y"]']]]],
  ['header name with space', { Headers: { 'X Tag': 'a' } }, [['mj-0005', ['Headers["X Tag"]']]]],
  ['header value a number', { Headers: { 'X-Count': 3 } }, [['mj-0004', ['Headers["X-Count"]']]]],
  ['forbidden From header', { Headers: { From: 'x@example.org' } }, [['send-0011', ['Headers["From"]']]]],
  ['forbidden header any case', { Headers: { 'dkim-signature': 'v=1' } }, [['send-0011', ['Headers["dkim-signature"]']]]],
  ['forbidden X-MJ-CustomID', { Headers: { 'X-MJ-CustomID': 'x' } }, [['send-0011', ['Headers["X-MJ-CustomID"]']]]],
  ['forbidden List-Unsubscribe', { Headers: { 'List-Unsubscribe': '<https://x>' } }, [['send-0011', ['Headers["List-Unsubscribe"]']]]],
  ['51 headers', { Headers: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`X-H${i}`, 'v'])) }, [['mj-0008', ['Headers']]]],
  ['DeduplicateCampaign alone', { DeduplicateCampaign: true }, [['send-0012', ['CustomCampaign', 'DeduplicateCampaign']]]],
  ['TemplateErrorDeliver without TemplateLanguage', { TemplateErrorDeliver: true }, [['send-0016', ['TemplateLanguage']]]],
  ['TemplateErrorReporting without TemplateLanguage', { TemplateErrorReporting: { Email: 'dev@example.com' } }, [['send-0016', ['TemplateLanguage']]]],
  ['unknown message property', { Htmlpart2: 'x' }, [['mj-0004', ['Htmlpart2']]]],
  ['unknown address property', { From: { Email: 'pilot@example.com', Mail: 'x' } }, [['mj-0004', ['From.Mail']]]],
  ['bad base64', { Attachments: [{ ContentType: 'text/plain', Filename: 'a.txt', Base64Content: 'not base64!!' }] }, [['mj-0004', ['Attachments[0].Base64Content']]]],
  ['base64 with inner padding', { Attachments: [{ ContentType: 'text/plain', Filename: 'a.txt', Base64Content: 'QQ==QUJD' }] }, [['mj-0004', ['Attachments[0].Base64Content']]]],
  ['base64 impossible length', { Attachments: [{ ContentType: 'text/plain', Filename: 'a.txt', Base64Content: 'QUJDR' }] }, [['mj-0004', ['Attachments[0].Base64Content']]]],
  ['attachment Filename empty', { Attachments: [{ ContentType: 'text/plain', Filename: '', Base64Content: 'QUJD' }] }, [['mj-0012', ['Attachments[0].Filename']]]],
  ['attachment ContentType missing', { Attachments: [{ Filename: 'a.txt', Base64Content: 'QUJD' }] }, [['mj-0003', ['Attachments[0].ContentType']]]],
  ['attachment bad ContentType', { Attachments: [{ ContentType: 'text', Filename: 'a.txt', Base64Content: 'QUJD' }] }, [['mj-0005', ['Attachments[0].ContentType']]]],
  ['attachment CRLF in Filename', { Attachments: [{ ContentType: 'text/plain', Filename: 'a\r\n.txt', Base64Content: 'QUJD' }] }, [['mj-0005', ['Attachments[0].Filename']]]],
  ['ContentID on a plain attachment', { Attachments: [{ ContentType: 'image/png', Filename: 'a.png', Base64Content: 'QUJD', ContentID: 'x' }] }, [['mj-0004', ['Attachments[0].ContentID']]]],
  ['51 attachments', { Attachments: Array.from({ length: 51 }, () => ({ ContentType: 'text/plain', Filename: 'a.txt', Base64Content: 'QUJD' })) }, [['mj-0008', ['Attachments']]]],
  [
    'attachments over 15 MB in total',
    {
      Attachments: [{ ContentType: 'application/pdf', Filename: 'a.pdf', Base64Content: b64(8 * 1024 * 1024) }],
      InlinedAttachments: [{ ContentType: 'image/png', Filename: 'b.png', Base64Content: b64(7 * 1024 * 1024 + 1) }],
    },
    [['mj-0011', ['Attachments', 'InlinedAttachments']]],
  ],
];

for (const [label, fields, expected] of INVALID) {
  test(`invalid message: ${label}`, () => {
    const m: Record<string, unknown> = ok(fields);
    for (const k of Object.keys(m)) if (m[k] === undefined) delete m[k];
    assert.deepEqual(messageErrors({ Messages: [m] }), expected);
  });
}

test('exactly 15 MB of attachments and 50 recipients per list are accepted', () => {
  const v = validateSendRequest({
    Messages: [
      ok({
        To: many(50),
        Cc: many(50).map((a) => ({ Email: a.Email.replace('r', 'c') })),
        Bcc: many(50).map((a) => ({ Email: a.Email.replace('r', 'b') })),
        Attachments: [{ ContentType: 'application/pdf', Filename: 'a.pdf', Base64Content: b64(15 * 1024 * 1024) }],
      }),
    ],
  });
  assert.ok(v.ok && v.messages[0]!.ok);
  const m = v.messages[0].message;
  assert.equal(m.to.length + m.cc.length + m.bcc.length, 150);
  assert.equal(m.attachments[0]!.size, 15 * 1024 * 1024);
});

// Request-level (whole request refused): [label, body, expected [code, relatedTo][], status]
const ROOT: [string, unknown, [string, string[]][]][] = [
  ['body not an object', [1, 2], [['mj-0004', []]]],
  ['Messages missing', { Globals: {} }, [['mj-0003', ['Messages']]]],
  ['Messages an object', { Messages: { From: {} } }, [['mj-0004', ['Messages']]]],
  ['Messages empty', { Messages: [] }, [['mj-0007', ['Messages']]]],
  ['51 messages', { Messages: Array.from({ length: 51 }, () => ok()) }, [['mj-0008', ['Messages']]]],
  ['unknown root property', { Messages: [ok()], Sandbox: true }, [['mj-0002', ['Sandbox']]]],
  ['SandboxMode a string', { Messages: [ok()], SandboxMode: 'true' }, [['mj-0004', ['SandboxMode']]]],
  ['Globals an array', { Messages: [ok()], Globals: [] }, [['mj-0004', ['Globals']]]],
  ['unknown Globals property', { Messages: [ok()], Globals: { FromEmail: 'x@example.com' } }, [['mj-0002', ['Globals.FromEmail']]]],
];

for (const [label, body, expected] of ROOT) {
  test(`invalid request: ${label}`, () => {
    const v = validateSendRequest(body);
    assert.equal(v.ok, false);
    if (v.ok) return;
    assert.equal(v.status, 400);
    assert.deepEqual(
      v.body.Errors.map((e) => [e.ErrorCode, e.ErrorRelatedTo]),
      expected,
    );
    // both Mailjet forms: flat first error, and Errors[] with an empty Messages
    assert.equal(v.body.ErrorCode, expected[0]![0]);
    assert.equal(v.body.StatusCode, 400);
    assert.deepEqual(v.body.Messages, []);
  });
}

test('50 messages are accepted; batches are not atomic', () => {
  const msgs = Array.from({ length: 50 }, (_, i) => (i === 7 ? ok({ To: [{ Email: 'nope' }] }) : ok()));
  const v = validateSendRequest({ Messages: msgs });
  assert.ok(v.ok);
  assert.equal(v.messages.length, 50);
  assert.deepEqual(
    v.messages.map((m, i) => (m.ok ? -1 : i)).filter((i) => i >= 0),
    [7],
  );
});

test('a valid message is normalized with Mailjet defaults', () => {
  const v = validateSendRequest({
    Messages: [
      ok({
        HTMLPart: '<p>Hi</p>',
        ReplyTo: { Email: 'help@example.com' },
        Cc: [{ Email: 'Passenger@Example.ORG' }],
        Bcc: [{ Email: 'audit@example.com' }, { Email: 'passenger@example.org' }],
        InlinedAttachments: [{ ContentType: 'image/png', Filename: 'logo.png', Base64Content: 'iVBO\r\nRw0K' }],
      }),
    ],
    SandboxMode: true,
    AdvanceErrorHandling: true,
  });
  assert.ok(v.ok);
  assert.equal(v.sandboxMode, true);
  assert.equal(v.advanceErrorHandling, true);
  const m = v.messages[0]!;
  assert.ok(m.ok);
  assert.deepEqual(m.message.from, { email: 'pilot@example.com', name: 'Pilot' });
  assert.deepEqual(m.message.replyTo, { email: 'help@example.com' });
  // duplicates across To/Cc/Bcc count once (first occurrence kept), domain case-folded
  assert.deepEqual(m.message.cc, []);
  assert.deepEqual(m.message.bcc, [{ email: 'audit@example.com' }]);
  assert.equal(m.message.customId, '');
  assert.equal(m.message.trackOpens, 'account_default');
  assert.equal(m.message.templateLanguage, false);
  assert.equal(m.message.templateErrorDeliver, false);
  assert.deepEqual(m.message.inlinedAttachments, [
    { contentType: 'image/png', filename: 'logo.png', base64: 'iVBORw0K', size: 6, contentId: 'logo.png' },
  ]);
});

test('IDN domains are converted to punycode; property names match in any case', () => {
  const v = validateSendRequest({
    messages: [{ from: { Email: 'info@bücher.example' }, TO: [{ Email: 'kunde@münchen.de' }], textpart: 'Hallo' }],
  });
  assert.ok(v.ok && v.messages[0]!.ok);
  assert.equal(v.messages[0].message.from!.email, 'info@xn--bcher-kva.example');
  assert.equal(v.messages[0].message.to[0]!.email, 'kunde@xn--mnchen-3ya.de');
});

test('Globals merge: message wins, Headers and Variables merged key by key', () => {
  const v = validateSendRequest({
    Globals: {
      From: { Email: 'global@example.com' },
      Subject: 'Global subject',
      TrackOpens: 'disabled',
      Headers: { 'X-Global': 'g', 'X-Both': 'global' },
      Variables: { a: 1, b: 1 },
      TextPart: 'global text',
      CustomCampaign: 'spring',
    },
    Messages: [
      { To: [{ Email: 'a@example.org' }] },
      {
        To: [{ Email: 'b@example.org' }],
        From: { Email: 'own@example.com' },
        Subject: 'Own subject',
        Headers: { 'x-both': 'message', 'X-Own': 'o' },
        Variables: { b: 2, c: 2 },
      },
    ],
  });
  assert.ok(v.ok);
  const [a, b] = v.messages;
  assert.ok(a!.ok && b!.ok);
  assert.equal(a.message.from!.email, 'global@example.com');
  assert.equal(a.message.subject, 'Global subject');
  assert.equal(a.message.trackOpens, 'disabled');
  assert.equal(a.message.customCampaign, 'spring');
  assert.deepEqual(a.message.headers, { 'X-Global': 'g', 'X-Both': 'global' });
  assert.equal(b.message.from!.email, 'own@example.com');
  assert.equal(b.message.subject, 'Own subject');
  assert.equal(b.message.textPart, 'global text');
  assert.deepEqual(b.message.headers, { 'X-Global': 'g', 'x-both': 'message', 'X-Own': 'o' });
  assert.deepEqual(b.message.variables, { a: 1, b: 2, c: 2 });
});

test('a forbidden header in Globals fails every message', () => {
  const v = validateSendRequest({ Globals: { Headers: { Bcc: 'spy@example.org' } }, Messages: [ok(), ok()] });
  assert.ok(v.ok);
  for (const m of v.messages) {
    assert.equal(m.ok, false);
    if (!m.ok) assert.equal(m.errors[0]!.ErrorCode, 'send-0011');
  }
});

test('TemplateID without From or content is valid (the template supplies them)', () => {
  const v = validateSendRequest({ Messages: [{ To: [{ Email: 'a@example.org' }], TemplateID: 1234, TemplateLanguage: true, Variables: { x: 1 } }] });
  assert.ok(v.ok && v.messages[0]!.ok);
  assert.equal(v.messages[0].message.templateId, 1234);
  assert.equal(v.messages[0].message.from, undefined);
});

test('null optional properties are treated as absent', () => {
  const v = validateSendRequest({ Messages: [ok({ Cc: null, HTMLPart: null, Headers: null, CustomID: null })] });
  assert.ok(v.ok && v.messages[0]!.ok);
});

test('several problems in one message are all reported', () => {
  const errs = messageErrors({ Messages: [ok({ To: [{ Email: 'x' }], Subject: 'a\nb', Headers: { Date: 'now' } })] });
  assert.deepEqual(
    errs.map(([c]) => c),
    ['mj-0013', 'mj-0005', 'send-0011'],
  );
});
