import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventRow } from '../store/events-repo.ts';
import { mailjetEvent, mailjetHasType, nativeEvent } from './payload.ts';

const msg = { id: 9, uuid: 'guid-9', stream: 'marketing', customId: 'c-1', campaign: 'spring', payload: 'p' };
const ev = (type: EventRow['type'], data: Record<string, unknown>): EventRow => ({ id: 123, tenantId: 1, messageId: 9, type, recipient: 'r@example.org', createdAt: 1_700_000_000_123, data });

// [our event, its data, expected Mailjet fields (subset)]
const CASES: [EventRow['type'], Record<string, unknown>, Record<string, unknown>][] = [
  ['delivery', { reply: '250 2.0.0 OK' }, { event: 'sent', smtp_reply: '250 2.0.0 OK', mj_message_id: '9' }],
  ['bounce', { reason: 'userunknown', hard: true, reply: '550 5.1.1 no such user' }, { event: 'bounce', hard_bounce: true, blocked: true, error_related_to: 'recipient', error: 'user unknown', comment: '550 5.1.1 no such user' }],
  ['bounce', { reason: 'mailboxfull', hard: false }, { event: 'bounce', hard_bounce: false, error_related_to: 'recipient', error: 'quota exceeded' }],
  ['bounce', { reason: 'blocked', hard: false }, { event: 'bounce', error_related_to: 'spam', error: 'sender blocked' }],
  ['expiration', {}, { event: 'bounce', hard_bounce: false, error_related_to: 'system', error: 'connection issue' }],
  ['suppressed', { reason: 'hard_bounce' }, { event: 'blocked', error_related_to: 'mailjet', error: 'preblocked' }],
  ['suppressed', { reason: 'complaint' }, { event: 'blocked', error_related_to: 'recipient', error: 'spam reporter' }],
  ['complaint', { source: 'JMRP' }, { event: 'spam', source: 'JMRP' }],
  ['unsubscribe', { list: 'news', ip: '192.0.2.1', agent: 'UA' }, { event: 'unsub', mj_list_id: 'news', ip: '192.0.2.1', agent: 'UA' }],
  ['click', { url: 'https://x.example/', ip: '192.0.2.2' }, { event: 'click', url: 'https://x.example/', ip: '192.0.2.2' }],
];

test('Mailjet Event API mapping, with the common fields on every event', () => {
  for (const [type, data, want] of CASES) {
    const got = mailjetEvent(ev(type, data), msg);
    assert.ok(got, type);
    for (const [k, v] of Object.entries(want)) assert.deepEqual(got[k], v, `${type}.${k}`);
    assert.deepEqual(
      [got.time, got.MessageID, got.Message_GUID, got.email, got.customcampaign, got.CustomID, got.Payload, got.relais_event_id, got.mj_campaign_id, got.mj_contact_id],
      [1_700_000_000, 9, 'guid-9', 'r@example.org', 'spring', 'c-1', 'p', '123', 0, 0],
    );
  }
  assert.equal(mailjetEvent(ev('reception', {}), msg), null);
  assert.equal(mailjetEvent(ev('deferral', {}), msg), null);
  assert.equal(mailjetHasType('deferral'), false);
  assert.equal(mailjetHasType('complaint'), true);
});

test('native payload: string id, ISO time, message fields, data untouched', () => {
  const n = nativeEvent(ev('bounce', { reason: 'userunknown', hard: true }), msg);
  assert.deepEqual(n, {
    id: '123',
    type: 'bounce',
    created_at: '2023-11-14T22:13:20.123Z',
    timestamp: 1_700_000_000,
    message_id: 9,
    message_uuid: 'guid-9',
    recipient: 'r@example.org',
    stream: 'marketing',
    custom_id: 'c-1',
    campaign: 'spring',
    payload: 'p',
    data: { reason: 'userunknown', hard: true },
  });
  assert.equal(nativeEvent({ ...ev('unsubscribe', { stream: 'marketing' }), messageId: null }, undefined).stream, 'marketing');
});
