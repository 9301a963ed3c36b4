// Hard bounces seen during delivery (the MTA records `bounce` events with `hard: true`)
// become tenant-wide suppressions. A scanner over the events table, after a persistent
// cursor, keeps the MTA free of suppression policy; asynchronous bounces (DSNs through the
// MX) are suppressed at once by feedback-actions and only confirmed here.
import { type Clock, systemClock } from '../core/clock.ts';
import type { Store } from '../store/database.ts';
import { addSuppression } from '../store/suppressions-repo.ts';
import { acquireLease } from '../store/webhooks-repo.ts';
import { maxIdAt } from '../core/ids.ts';

const NAME = 'hard-bounce-suppressor';

export async function readCursor(store: Store, name: string, initial: number): Promise<number> {
  const r = await store.db.selectFrom('feedback_cursors').select('cursor').where('name', '=', name).executeTakeFirst();
  if (r) return Number(r.cursor);
  await store.db.insertInto('feedback_cursors').values({ name, cursor: initial }).onConflict((oc) => oc.column('name').doNothing()).execute();
  return Number((await store.db.selectFrom('feedback_cursors').select('cursor').where('name', '=', name).executeTakeFirstOrThrow()).cursor);
}

/** One pass: suppresses the hard bounces recorded after the cursor. Returns how many were new. */
export async function suppressHardBounces(store: Store, now: number, settleMs = 2000, limit = 1000): Promise<number> {
  // First run: start from now, not from the beginning of history.
  const cursor = await readCursor(store, NAME, maxIdAt(now - settleMs));
  const upTo = maxIdAt(now - settleMs);
  const rows = await store.db
    .selectFrom('events')
    .select(['id', 'tenant_id', 'message_id', 'recipient', 'data'])
    .where('type', '=', 'bounce')
    .where('id', '>', cursor)
    .where('id', '<=', upTo)
    .orderBy('id')
    .limit(limit)
    .execute();
  let added = 0;
  for (const r of rows) {
    const d = JSON.parse(r.data) as { hard?: boolean; reason?: string; enhanced?: string };
    if (d.hard !== true || !r.recipient) continue;
    const s = await addSuppression(store, Number(r.tenant_id), {
      address: r.recipient,
      reason: 'hard_bounce',
      origin: 'system',
      detail: `${d.enhanced ?? ''} ${d.reason ?? ''}`.trim() || null,
      messageId: r.message_id === null ? null : Number(r.message_id),
    }).catch(() => undefined); // an address our validation refuses cannot be mailed anyway
    if (s?.created) added++;
  }
  const next = rows.length === limit ? Number(rows[rows.length - 1].id) : upTo;
  await store.db.updateTable('feedback_cursors').set({ cursor: next }).where('name', '=', NAME).where('cursor', '=', cursor).execute();
  return added;
}

/** Runs suppressHardBounces every intervalMs on the node holding the lease. */
export function startHardBounceSuppressor(store: Store, opts: { owner: string; intervalMs?: number; settleMs?: number; clock?: Clock }): () => Promise<void> {
  const clock = opts.clock ?? systemClock;
  const interval = opts.intervalMs ?? 1000;
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const loop = () => {
    if (stopped) return;
    running = (async () => {
      const now = clock.now();
      if (await acquireLease(store, NAME, opts.owner, Math.max(15_000, interval * 5), now)) await suppressHardBounces(store, now, opts.settleMs);
    })()
      .catch(() => {})
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, interval);
      });
  };
  timer = setTimeout(loop, 0);
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
