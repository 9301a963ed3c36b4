// One-click unsubscribe (RFC 8058). POST /u/<token> with `List-Unsubscribe=One-Click` in a
// form body unsubscribes at once, with no cookie or login; GET shows a page whose button
// POSTs the same thing, because link scanners fetch every URL in a message and a GET must
// never change anything. A bad token changes nothing and is counted.
import type { Stream } from '../core/events.ts';
import { verifyUnsubscribeToken } from '../feedback/unsubscribe-token.ts';
import type { Store } from '../store/database.ts';
import { recordUnsubscribe } from './feedback-actions.ts';
import { unsubscribeTokenKey } from './unsubscribe-links.ts';

export type UnsubscribeOutcome = 'unsubscribed' | 'repeat' | 'malformed' | 'tampered' | 'missing-one-click';

export interface UnsubscribeResult {
  outcome: UnsubscribeOutcome;
  status: 200 | 400;
  recipient?: string;
}

function streamOf(s: string): Stream {
  return s === 'transactional' ? 'transactional' : 'marketing';
}

/** Verifies a token without acting on it (for the GET page). */
export function peekUnsubscribe(masterKey: Buffer, token: string): { ok: true; recipient: string } | { ok: false; outcome: 'malformed' | 'tampered' } {
  const v = verifyUnsubscribeToken(token, unsubscribeTokenKey(masterKey));
  if (!v.ok) return { ok: false, outcome: v.reason === 'malformed' ? 'malformed' : 'tampered' };
  return { ok: true, recipient: v.payload.recipient };
}

export async function performUnsubscribe(
  store: Store,
  masterKey: Buffer,
  token: string,
  form: Record<string, string>,
  client: { ip?: string; agent?: string },
): Promise<UnsubscribeResult> {
  const v = verifyUnsubscribeToken(token, unsubscribeTokenKey(masterKey));
  if (!v.ok) return { outcome: v.reason === 'malformed' ? 'malformed' : 'tampered', status: 400 };
  if (form['List-Unsubscribe'] !== 'One-Click') return { outcome: 'missing-one-click', status: 400 };
  const p = v.payload;
  const r = await recordUnsubscribe(store, {
    tenantId: p.tenantId,
    address: p.recipient,
    stream: streamOf(p.stream),
    list: p.list,
    via: form.via === 'page' ? 'page' : 'one-click',
    ip: client.ip,
    agent: client.agent,
  });
  return { outcome: r.created ? 'unsubscribed' : 'repeat', status: 200, recipient: p.recipient };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}button{font-size:1rem;padding:.6rem 1.2rem;cursor:pointer}</style></head><body>${body}</body></html>`;
}

export function confirmationPage(recipient: string, action: string): string {
  return page(
    'Unsubscribe',
    `<h1>Unsubscribe</h1><p>Stop these emails to <strong>${esc(recipient)}</strong>?</p>
<form method="post" action="${esc(action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><input type="hidden" name="via" value="page"><button type="submit">Unsubscribe</button></form>`,
  );
}

export function resultPage(r: UnsubscribeResult): string {
  if (r.status === 200) return page('Unsubscribed', `<h1>You are unsubscribed</h1><p>${esc(r.recipient ?? '')} will not receive these emails any more.</p>`);
  if (r.outcome === 'missing-one-click') return page('Bad request', '<h1>Bad request</h1><p>Use the button on the unsubscribe page.</p>');
  return page('Invalid link', '<h1>This unsubscribe link is not valid</h1><p>It may have been cut or altered. Use the link from the email itself.</p>');
}
