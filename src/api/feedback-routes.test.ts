import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { feedbackOptions, registerFeedback } from '../runtime/feedback-extension.ts';
import { nodeExtensions } from '../runtime/relais-node.ts';
import { signUnsubscribeToken } from '../feedback/unsubscribe-token.ts';
import { listEvents } from '../store/events-repo.ts';
import { createApiKey } from '../store/api-keys-repo.ts';
import { createTenant } from '../store/tenants-repo.ts';
import { unsubscribeTokenKey, unsubscribeUrl } from '../suppression/unsubscribe-links.ts';
import { startTestNode, type TestNode } from '../../test/support/node.ts';

let n: TestNode;
let other: string; // Basic header of a second tenant
let otherId: number;
before(async () => {
  registerFeedback(nodeExtensions);
  feedbackOptions.webhookIntervalMs = 100;
  n = await startTestNode({ roles: 'api' });
  const t = await createTenant(n.node.store, 'Other');
  const k = await createApiKey(n.node.store, t.id);
  otherId = t.id;
  other = `Basic ${Buffer.from(`${k.key.id}:${k.secret}`).toString('base64')}`;
});
after(async () => n.stop());

const api = (path: string, init: RequestInit & { auth?: string } = {}) =>
  fetch(`${n.url}${path}`, { ...init, headers: { authorization: init.auth ?? n.basic, 'content-type': 'application/json', ...(init.headers ?? {}) } });

test('suppressions: add, list with filters and paging, remove; tenants are separate', async () => {
  let r = await api('/v1/suppressions', { method: 'POST', body: JSON.stringify({ email: 'A@Example.com', reason: 'manual', detail: 'asked by phone' }) });
  assert.equal(r.status, 201);
  const one = (await r.json()) as any;
  assert.equal(one.data[0].email, 'a@example.com');
  assert.equal(one.data[0].origin, 'tenant');
  r = await api('/v1/suppressions', { method: 'POST', body: JSON.stringify({ entries: Array.from({ length: 30 }, (_, i) => ({ email: `u${i}@list.example`, scope: 'stream', scope_value: 'marketing' })) }) });
  assert.equal(((await r.json()) as any).added, 30);
  r = await api('/v1/suppressions?contains=list.example&limit=20');
  const page = (await r.json()) as any;
  assert.equal(page.data.length, 20);
  assert.ok(page.next_after);
  const rest = (await (await api(`/v1/suppressions?contains=list.example&after=${page.next_after}`)).json()) as any;
  assert.equal(rest.data.length, 10);
  assert.equal(rest.next_after, null);
  assert.equal(((await (await api('/v1/suppressions?scope=tenant')).json()) as any).data.length, 1);
  assert.equal(((await (await api('/v1/suppressions', { auth: other })).json()) as any).data.length, 0, 'other tenant sees nothing');
  assert.equal((await api('/v1/suppressions/a%40example.com', { method: 'DELETE', auth: other })).status, 404);
  assert.equal((await api('/v1/suppressions/a%40example.com', { method: 'DELETE' })).status, 200);
  assert.equal((await api('/v1/suppressions/a%40example.com', { method: 'DELETE' })).status, 404);
  // bad input
  assert.equal((await api('/v1/suppressions', { method: 'POST', body: JSON.stringify({ email: 'nope' }) })).status, 400);
  assert.equal((await api('/v1/suppressions', { method: 'POST', body: JSON.stringify({ email: 'x@example.com', colour: 'red' }) })).status, 400);
  assert.equal((await api('/v1/suppressions?reason=spam')).status, 400);
  assert.equal((await api('/v1/suppressions', { method: 'POST', body: '{', auth: n.basic })).status, 400);
  assert.equal((await fetch(`${n.url}/v1/suppressions`)).status, 401);
});

test('suppressions: CSV import is all-or-nothing, export round-trips', async () => {
  const csv = 'email,reason,detail\nc1@csv.example,invalid,"bad, really"\nc2@csv.example,,\n';
  let r = await api('/v1/suppressions/import?scope=stream&scope_value=marketing', { method: 'POST', body: csv, headers: { 'content-type': 'text/csv' } });
  assert.equal(r.status, 200, await r.clone().text());
  assert.deepEqual(await r.json(), { rows: 2, added: 2, existing: 0 });
  r = await api('/v1/suppressions/import', { method: 'POST', body: 'email\nok@csv.example\nnot-an-address\n', headers: { 'content-type': 'text/csv' } });
  assert.equal(r.status, 400);
  assert.match(JSON.stringify(await r.json()), /line":3/);
  assert.equal(((await (await api('/v1/suppressions?email=ok@csv.example')).json()) as any).data.length, 0, 'nothing imported');
  r = await api('/v1/suppressions/export?contains=csv.example');
  assert.match(r.headers.get('content-type') ?? '', /text\/csv/);
  const text = await r.text();
  const lines = text.trim().split('\n');
  assert.equal(lines[0], 'email,scope,scope_value,reason,origin,detail,created_at');
  assert.match(lines[1], /^c1@csv\.example,stream,marketing,invalid,tenant,"bad, really",/);
  assert.match(lines[2], /^c2@csv\.example,stream,marketing,manual,tenant,,/);
  // the export imports back into another tenant unchanged
  r = await api('/v1/suppressions/import', { method: 'POST', body: text, auth: other, headers: { 'content-type': 'text/csv' } });
  assert.equal(((await r.json()) as any).added, 2);
  const theirs = ((await (await api('/v1/suppressions', { auth: other })).json()) as any).data;
  assert.deepEqual(theirs.map((s: any) => [s.email, s.scope, s.scope_value, s.reason]), [
    ['c1@csv.example', 'stream', 'marketing', 'invalid'],
    ['c2@csv.example', 'stream', 'marketing', 'manual'],
  ]);
});

test('webhooks API: create shows the secret once, validation, tenant isolation, replay, admin view', async () => {
  let r = await api('/v1/webhooks', { method: 'POST', body: JSON.stringify({ url: 'https://user:pw@hooks.example/x', event_types: ['bounce'], format: 'mailjet', retry_hours: 48 }) });
  assert.equal(r.status, 201);
  const ep = (await r.json()) as any;
  assert.match(ep.secret, /^whsec_/);
  assert.equal(ep.url, 'https://user:***@hooks.example/x');
  assert.equal(ep.status, 'active');
  const got = (await (await api(`/v1/webhooks/${ep.id}`)).json()) as any;
  assert.equal(got.secret, undefined);
  assert.equal(got.retry_hours, 48);
  assert.equal((await api(`/v1/webhooks/${ep.id}`, { auth: other })).status, 404);
  assert.equal((await api(`/v1/webhooks/${ep.id}`, { method: 'PATCH', auth: other, body: '{"url":"https://evil.example"}' })).status, 404);
  assert.equal((await api('/v1/webhooks', { method: 'POST', body: JSON.stringify({ url: 'https://x.example', retry_hours: 200 }) })).status, 400);
  assert.equal((await api('/v1/webhooks', { method: 'POST', body: JSON.stringify({ url: 'https://x.example', event_types: ['sent'] }) })).status, 400);
  r = await api(`/v1/webhooks/${ep.id}`, { method: 'PATCH', body: JSON.stringify({ status: 'disabled' }) });
  assert.equal(((await r.json()) as any).status, 'disabled');
  r = await api(`/v1/webhooks/${ep.id}/replay`, { method: 'POST', body: JSON.stringify({ since: '2020-01-01T00:00:00Z' }) });
  assert.equal(r.status, 202);
  // the test button against a receiver that checks the signature
  let seen = '';
  const { createServer } = await import('node:http');
  const { verifyWebhookSignature } = await import('../webhooks/signature.ts');
  const rx = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (ch) => chunks.push(ch));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      seen = raw.toString();
      res.writeHead(verifyWebhookSignature(ep2.secret, req.headers['relais-signature'] as string, raw).ok ? 200 : 401).end();
    });
  });
  await new Promise<void>((res) => rx.listen(0, '127.0.0.1', () => res()));
  const ep2 = (await (await api('/v1/webhooks', { method: 'POST', body: JSON.stringify({ url: `http://127.0.0.1:${(rx.address() as { port: number }).port}/` }) })).json()) as any;
  const tested = (await (await api(`/v1/webhooks/${ep2.id}/test`, { method: 'POST', body: '{}' })).json()) as any;
  rx.close();
  assert.equal(tested.ok, true, JSON.stringify(tested));
  assert.equal(tested.status, 200);
  assert.equal(JSON.parse(seen)[0].type, 'test');
  assert.equal((await api(`/v1/webhooks/${ep2.id}/test`, { method: 'POST', body: '{}', auth: other })).status, 404);
  await api(`/v1/webhooks/${ep2.id}`, { method: 'DELETE' });
  r = await api(`/v1/webhooks/${ep.id}/rotate-secret`, { method: 'POST', body: '{}' });
  assert.notEqual(((await r.json()) as any).secret, ep.secret);
  r = await fetch(`${n.url}/v1/admin/webhooks?status=disabled`, { headers: { authorization: `Bearer ${n.node.adminToken}` } });
  assert.equal(((await r.json()) as any).data.length, 1);
  assert.equal((await fetch(`${n.url}/v1/admin/webhooks`)).status, 401);
  assert.equal((await api(`/v1/webhooks/${ep.id}`, { method: 'DELETE' })).status, 200);
  assert.equal((await api('/v1/webhooks')).status, 200);
});

test('one-click unsubscribe: GET only shows a page, POST unsubscribes once, bad tokens change nothing', async () => {
  const url = unsubscribeUrl(n.url, n.node.masterKey, { tenantId: n.tenantId, messageId: 1, stream: 'marketing', recipient: 'Reader@Example.org' });
  const path = new URL(url).pathname;
  let r = await fetch(`${n.url}${path}`);
  assert.equal(r.status, 200);
  const html = await r.text();
  assert.match(html, /reader@example\.org/i);
  assert.match(html, /<form method="post"/);
  assert.equal(((await (await api('/v1/suppressions?email=reader@example.org')).json()) as any).data.length, 0, 'GET changed nothing');

  const post = (p: string, body: string) => fetch(`${n.url}${p}`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  r = await post(path, 'List-Unsubscribe=One-Click');
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { outcome: 'unsubscribed' });
  const s = ((await (await api('/v1/suppressions?email=reader@example.org')).json()) as any).data;
  assert.deepEqual([s.length, s[0].scope, s[0].scope_value, s[0].reason, s[0].origin], [1, 'stream', 'marketing', 'unsubscribe', 'recipient']);
  const evs = await listEvents(n.node.store, n.tenantId, { type: 'unsubscribe' });
  assert.equal(evs.length, 1);
  assert.equal(evs[0].data.via, 'one-click');
  // replayed: no second event
  r = await post(path, 'List-Unsubscribe=One-Click');
  assert.deepEqual(await r.json(), { outcome: 'repeat' });
  assert.equal((await listEvents(n.node.store, n.tenantId, { type: 'unsubscribe' })).length, 1);

  // tampered: another recipient spliced into the payload, MAC kept
  const token = path.slice(3);
  const [, mac] = token.split('.');
  const forgedBody = Buffer.from(JSON.stringify([1, n.tenantId, 'marketing', null, 'victim@example.org', 1])).toString('base64url');
  r = await post(`/u/${forgedBody}.${mac}`, 'List-Unsubscribe=One-Click');
  assert.equal(r.status, 400);
  // a token signed with another key, and a token for another tenant re-signed: both refused
  const foreign = signUnsubscribeToken({ tenantId: otherId, stream: 'marketing', recipient: 'x@example.org', issuedAt: 1 }, Buffer.alloc(32, 7));
  assert.equal((await post(`/u/${foreign}`, 'List-Unsubscribe=One-Click')).status, 400);
  assert.equal((await post('/u/garbage', 'List-Unsubscribe=One-Click')).status, 400);
  assert.equal((await fetch(`${n.url}/u/garbage`)).status, 400);
  // a valid token without the one-click body
  const good2 = signUnsubscribeToken({ tenantId: n.tenantId, stream: 'marketing', recipient: 'second@example.org', issuedAt: 1 }, unsubscribeTokenKey(n.node.masterKey));
  assert.equal((await post(`/u/${good2}`, 'foo=bar')).status, 400);
  assert.equal(((await (await api('/v1/suppressions?contains=example.org')).json()) as any).data.length, 1, 'only the real unsubscribe');
  assert.equal(((await (await api('/v1/suppressions', { auth: other })).json()) as any).data.some((x: any) => x.email === 'x@example.org'), false);
  const metrics = await (await fetch(`${n.url}/metrics`)).text();
  assert.match(metrics, /relais_unsubscribe_requests_total\{outcome="tampered"\} 2/);
  assert.match(metrics, /relais_unsubscribe_requests_total\{outcome="repeat"\} 1/);
});
