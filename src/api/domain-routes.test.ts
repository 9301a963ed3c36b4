// A tenant goes from nothing to a verified sending domain by following Relais's own
// instructions over the HTTP API, against a real DNS server on loopback; mail from the
// domain is refused before (API send-0008, SMTP 5.7.1) and accepted after. Then: another
// tenant cannot take the domain, a key rotation switches signing only once the new key is
// in DNS, bad names are refused, and the operator can verify by hand (audit-logged).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type DnsServer, startDnsServer } from '../../test/support/dns-server.ts';
import { startTestNode, submissionTransport, type TestNode } from '../../test/support/node.ts';
import { signerFor, signersReady } from '../domains/signer-cache.ts';
import { createApiKey } from '../store/api-keys-repo.ts';
import { addEgressIp } from '../store/egress-repo.ts';
import { createTenant } from '../store/tenants-repo.ts';

let dns: DnsServer;
let n: TestNode;

interface PlannedRecord {
  id: string;
  type: 'TXT' | 'CNAME';
  name: string;
  value: string;
  strings?: string[];
  action: string;
}

/** What a tenant does in a DNS panel with each record Relais shows. */
function publish(records: PlannedRecord[]): void {
  for (const r of records) {
    if (r.action === 'none') continue;
    if (r.type === 'CNAME') dns.set(r.name, 'CNAME', r.value);
    else dns.set(r.name, 'TXT', [r.strings ?? r.value]);
  }
}

async function api(path: string, init: { method?: string; body?: unknown; auth?: string } = {}) {
  const res = await fetch(`${n.url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { authorization: init.auth ?? n.basic, 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

const send = (from: string, auth = n.basic) =>
  api('/v3.1/send', { auth, body: { Messages: [{ From: { Email: from }, To: [{ Email: 'carol@example.net' }], Subject: 'Hi', TextPart: 'Hello' }] } });

function smtpSend(from: string) {
  return submissionTransport(n).sendMail({ from, to: 'carol@example.net', subject: 'Hi', text: 'Hello' });
}

describe('sending domains over HTTP', () => {
  before(async () => {
    dns = await startDnsServer({
      zones: {
        'relais.test': { bounces: { MX: ['10 mx.relais.test'] }, mx: { A: ['192.0.2.20'] } },
        // The tenant's zone: it receives mail already, nothing else.
        'shop.test': { '@': { MX: ['10 mx.shop.test'] }, mx: { A: ['198.51.100.7'] } },
        'other.test': { '@': { MX: ['10 mx.relais.test'] } },
      },
    });
    n = await startTestNode({ env: { RELAIS_DNS_SERVERS: dns.server, RELAIS_REQUIRE_VERIFIED_DOMAINS: 'true' } });
    await addEgressIp(n.node.store, { ip: '192.0.2.10', helo: 'mta1.relais.test' });
  });
  after(async () => {
    await n?.stop();
    await dns?.stop();
  });

  let domainId: number;
  let firstSelector: string;

  test('from nothing to verified by following the instructions; mail refused before, accepted after', async () => {
    const refused = await send('news@shop.test');
    assert.equal(refused.status, 400);
    const err = refused.body.Messages[0].Errors[0];
    assert.equal(err.ErrorCode, 'send-0008');
    assert.match(err.ErrorMessage, /POST \/v1\/domains/);
    await assert.rejects(smtpSend('news@shop.test'), (e: Error & { responseCode?: number; response?: string }) => {
      assert.equal(e.responseCode, 550);
      assert.match(e.response ?? '', /5\.7\.1 sender domain not verified: shop\.test/);
      return true;
    });

    const added = await api('/v1/domains', { body: { name: 'Shop.Test' } });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    domainId = added.body.id;
    assert.equal(added.body.name, 'shop.test');
    assert.equal(added.body.status, 'pending');
    const ids = added.body.records.map((r: PlannedRecord) => r.id);
    firstSelector = added.body.keys[0].selector;
    assert.deepEqual(ids, [`dkim:${firstSelector}`, 'spf', 'return-path', 'dmarc']);
    const spf = added.body.records.find((r: PlannedRecord) => r.id === 'spf');
    assert.equal(spf.value, 'v=spf1 include:_spf.relais.test ~all');
    assert.equal(added.body.records.find((r: PlannedRecord) => r.id === 'return-path').value, 'bounces.relais.test');
    const operatorSpf = added.body.operator_records.find((r: PlannedRecord) => r.id === 'operator-spf');
    assert.match(operatorSpf.value, /ip4:192\.0\.2\.10/);

    const before = await api(`/v1/domains/${domainId}/check`, { method: 'POST' });
    assert.equal(before.status, 200);
    assert.equal(before.body.check.status, 'failed');
    for (const r of before.body.check.records.filter((x: any) => x.required)) {
      assert.equal(r.verdict, 'fail', `${r.id} should fail before publishing`);
      assert.ok(r.explanation.length > 20 && 'expected' in r && Array.isArray(r.found));
    }
    assert.equal((await send('news@shop.test')).body.Messages[0].Errors[0].ErrorCode, 'send-0008', 'a failed check does not open the gate');

    publish(added.body.records);
    publish(added.body.operator_records.filter((r: PlannedRecord) => r.id === 'operator-spf'));
    const after = await api(`/v1/domains/${domainId}/check`, { method: 'POST' });
    assert.equal(
      after.body.check.status,
      'verified',
      after.body.check.records.map((r: any) => `${r.id}: ${r.verdict} ${r.explanation}`).join('\n'),
    );
    assert.equal(after.body.domain.sending_allowed, true);
    assert.equal(after.body.domain.keys[0].state, 'active');
    assert.equal(after.body.domain.keys[0].signing, true);
    assert.ok(after.body.changes.some((c: any) => c.id === 'spf' && c.from === 'fail' && c.to === 'pass'));

    const ok = await send('news@shop.test');
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.Messages[0].Status, 'success');
    // The return path moves to rp.shop.test (its CNAME verified), so SPF aligns for DMARC.
    const row = await n.node.store.db.selectFrom('messages').select('mail_from').where('id', '=', ok.body.Messages[0].To[0].MessageID).executeTakeFirstOrThrow();
    assert.match(row.mail_from, /^b\+[0-9a-z-]+@rp\.shop\.test$/);
    const info = await smtpSend('Shop <news@SHOP.test>');
    assert.match(info.response, /^250 /);

    const listed = await api('/v1/domains');
    assert.deepEqual(
      listed.body.data.map((d: any) => [d.name, d.status]),
      [['shop.test', 'verified']],
    );
    const audit = await n.node.store.db.selectFrom('audit_log').select(['action', 'data']).where('subject', '=', `domain:${domainId}`).execute();
    assert.ok(audit.some((a) => a.action === 'domain.check-changed' && JSON.parse(a.data).to === 'verified'));
  });

  test('the MTA signs with the verified key (signerFor)', async () => {
    await signersReady(n.node);
    const signer = signerFor(n.node)('SHOP.test');
    assert.ok(signer, 'a signer for the verified domain');
    const signed = signer(Buffer.from('From: news@shop.test\r\nTo: carol@example.net\r\nSubject: Hi\r\n\r\nHello\r\n')).toString();
    assert.match(signed, new RegExp(`^DKIM-Signature:[^]*d=shop\\.test[^]*s=${firstSelector}`));
    assert.equal(signerFor(n.node)('other.test'), undefined);
  });

  test('another tenant cannot add or take a verified domain', async () => {
    const t2 = await createTenant(n.node.store, 'Intruder');
    const { key, secret } = await createApiKey(n.node.store, t2.id);
    const auth = `Basic ${Buffer.from(`${key.id}:${secret}`).toString('base64')}`;
    const r = await api('/v1/domains', { auth, body: { name: 'shop.test' } });
    assert.equal(r.status, 409);
    assert.match(r.body.error.message, /already verified by another account/);
    assert.equal((await send('news@shop.test', auth)).body.Messages[0].Errors[0].ErrorCode, 'send-0008');
    // and the first tenant's domain is invisible to the second
    assert.equal((await api(`/v1/domains/${domainId}`, { auth })).status, 404);
    // a duplicate within the same tenant is refused too
    const dup = await api('/v1/domains', { body: { name: 'shop.test.' } });
    assert.equal(dup.status, 409);
    assert.match(dup.body.error.message, /already added/);
  });

  test('rotation: signing switches only once the new key is in DNS', async () => {
    const rotated = await api(`/v1/domains/${domainId}/rotate-key`, { method: 'POST' });
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    const fresh = rotated.body.keys.find((k: any) => k.state === 'pending');
    assert.ok(fresh && fresh.selector !== firstSelector);
    assert.equal((await api(`/v1/domains/${domainId}/rotate-key`, { method: 'POST' })).status, 409, 'one rotation at a time');

    const waiting = await api(`/v1/domains/${domainId}/check`, { method: 'POST' });
    assert.equal(waiting.body.check.status, 'verified', 'the unpublished new key is not required');
    assert.deepEqual(
      waiting.body.domain.keys.filter((k: any) => k.signing).map((k: any) => k.selector),
      [firstSelector],
    );
    const sign = () => signerFor(n.node)('shop.test')!(Buffer.from('From: a@shop.test\r\nSubject: x\r\n\r\nx\r\n')).toString();
    assert.match(sign(), new RegExp(`s=${firstSelector}`));

    const rec = rotated.body.records.find((r: PlannedRecord) => r.id === `dkim:${fresh.selector}`);
    publish([rec]);
    const switched = await api(`/v1/domains/${domainId}/check`, { method: 'POST' });
    const states = Object.fromEntries(switched.body.domain.keys.map((k: any) => [k.selector, k.state]));
    assert.deepEqual(states, { [firstSelector]: 'retiring', [fresh.selector]: 'active' });
    assert.ok(switched.body.rotation.length >= 2);
    assert.match(sign(), new RegExp(`s=${fresh.selector}`));
  });

  test('bad input: invalid names, public suffixes, punycode forms of the same name', async () => {
    for (const name of ['', 'not a domain', 'user@shop.test', 'co.uk', '192.0.2.1', 'a..b.test', `${'x'.repeat(64)}.test`, 'localhost']) {
      const r = await api('/v1/domains', { body: { name } });
      assert.equal(r.status, 400, `${JSON.stringify(name)} → ${r.status}`);
      assert.equal(r.body.error.code, 'validation');
    }
    assert.equal((await api('/v1/domains', { body: { name: 42 } })).status, 400);
    assert.equal((await api('/v1/domains', { body: { name: 'ok.test', extra: 1 } })).status, 400);
    assert.equal((await api('/v1/domains', { body: { name: 'ok.test', algorithm: 'md5' } })).status, 400);
    const idn = await api('/v1/domains', { body: { name: 'Bücher.test' } });
    assert.equal(idn.status, 201);
    assert.equal(idn.body.name, 'xn--bcher-kva.test');
    assert.equal(idn.body.unicode_name, 'bücher.test');
    assert.match(idn.body.records[0].name, /\._domainkey\.xn--bcher-kva\.test$/);
    const same = await api('/v1/domains', { body: { name: 'XN--BCHER-KVA.test' } });
    assert.equal(same.status, 409, 'the punycode spelling is the same domain');
    assert.equal((await api('/v1/domains/abc')).status, 400);
    assert.equal((await api('/v1/domains/123')).status, 404);
    assert.equal((await api('/v1/domains', { auth: 'Basic eDp5' })).status, 401);
  });

  test('operator verifies by hand: audit-logged, sending allowed', async () => {
    const added = await api('/v1/domains', { body: { name: 'other.test' } });
    assert.equal((await send('a@other.test')).body.Messages[0].Errors?.[0]?.ErrorCode, 'send-0008');
    const noAuth = await fetch(`${n.url}/v1/admin/domains/${added.body.id}/verify`, { method: 'POST' });
    assert.equal(noAuth.status, 401);
    const r = await api(`/v1/admin/domains/${added.body.id}/verify`, { auth: `Bearer ${n.node.adminToken}`, body: { note: 'lab' } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.hand_verified, true);
    assert.equal(r.body.sending_allowed, true);
    const audit = await n.node.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'domain.verify-by-hand').execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.actor, 'operator:api');
    assert.equal(JSON.parse(audit[0]!.data).note, 'lab');
    const handSent = await send('a@other.test');
    assert.equal(handSent.body.Messages[0].Status, 'success');
    // No verified return-path CNAME: the platform's bounce domain stays the return path.
    const row = await n.node.store.db.selectFrom('messages').select('mail_from').where('id', '=', handSent.body.Messages[0].To[0].MessageID).executeTakeFirstOrThrow();
    assert.ok(row.mail_from.endsWith(`@${n.node.config.bounceDomain}`), row.mail_from);
    const all = await api('/v1/admin/domains', { auth: `Bearer ${n.node.adminToken}` });
    assert.ok(all.body.data.length >= 3);
  });

  test('an Ed25519 key added next to RSA does not hold verification back, then signs too; removing releases the domain', async () => {
    const ed = await api(`/v1/domains/${domainId}/rotate-key`, { body: { algorithm: 'ed25519-sha256' } });
    assert.equal(ed.status, 200, JSON.stringify(ed.body));
    const edKey = ed.body.keys.find((k: any) => k.algorithm === 'ed25519-sha256');
    assert.equal(edKey.state, 'pending');
    const before = await api(`/v1/domains/${domainId}/check`, { method: 'POST' });
    assert.equal(before.body.check.status, 'verified');
    publish([ed.body.records.find((r: PlannedRecord) => r.id === `dkim:${edKey.selector}`)]);
    const both = await api(`/v1/domains/${domainId}/check`, { method: 'POST' });
    assert.deepEqual(
      both.body.domain.keys.filter((k: any) => k.signing).map((k: any) => k.algorithm).sort(),
      ['ed25519-sha256', 'rsa-sha256'],
    );
    const signed = signerFor(n.node)('shop.test')!(Buffer.from('From: a@shop.test\r\nSubject: x\r\n\r\nx\r\n')).toString();
    assert.equal(signed.match(/^DKIM-Signature:/gm)?.length, 2);

    const other = await createTenant(n.node.store, 'Buyer');
    const { key, secret } = await createApiKey(n.node.store, other.id);
    const auth = `Basic ${Buffer.from(`${key.id}:${secret}`).toString('base64')}`;
    assert.equal((await api('/v1/domains', { auth, body: { name: 'shop.test' } })).status, 409);
    const del = await fetch(`${n.url}/v1/domains/${domainId}`, { method: 'DELETE', headers: { authorization: n.basic } });
    assert.equal(del.status, 204);
    assert.equal((await api(`/v1/domains/${domainId}`)).status, 404);
    assert.equal((await send('news@shop.test')).body.Messages[0].Errors[0].ErrorCode, 'send-0008', 'the gate closes at once');
    assert.equal(signerFor(n.node)('shop.test'), undefined, 'and nothing signs for it');
    assert.equal((await api('/v1/domains', { auth, body: { name: 'shop.test' } })).status, 201, 'released for another account');
  });
});
