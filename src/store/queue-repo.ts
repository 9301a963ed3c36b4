// The delivery side of the queue: claim due rows under a lease, release them, renew leases,
// and write attempt outcomes with their events in one transaction. A lease that runs out
// (the node died mid-delivery) makes its rows claimable again: delivery is at-least-once.
import { CompiledQuery, sql } from 'kysely';
import type { Store } from './database.ts';
import { readBodyFile } from './body-files.ts';
import type { BodiesTable, EventsTable } from './schema.ts';
import { SQLITE_DONE_BODIES_SQL, SQLITE_OUTCOMES_SQL, sqliteOutcomeRows } from './sqlite-outcomes.ts';

export interface QueuedMessage {
  id: number;
  tenantId: number;
  bodyId: number;
  stream: string;
  campaign: string | null;
  mailFrom: string;
  recipient: string;
  recipientDomain: string;
  fromAddr: string;
  attempts: number;
  expiresAt: number;
  createdAt: number;
}

const CLAIM_COLUMNS = 'id, tenant_id, body_id, stream, campaign, mail_from, recipient, recipient_domain, from_addr, attempts, expires_at, created_at';

export function toQueued(r: Record<string, unknown>): QueuedMessage {
  return {
    id: Number(r.id),
    tenantId: Number(r.tenant_id),
    bodyId: Number(r.body_id),
    stream: String(r.stream),
    campaign: (r.campaign as string | null) ?? null,
    mailFrom: String(r.mail_from),
    recipient: String(r.recipient),
    recipientDomain: String(r.recipient_domain),
    fromAddr: String(r.from_addr),
    attempts: Number(r.attempts),
    expiresAt: Number(r.expires_at),
    createdAt: Number(r.created_at),
  };
}

/**
 * Leases up to `limit` due rows (queued or deferred, next attempt reached, no live lease) to
 * `owner` until `now + leaseMs`. On PostgreSQL concurrent claimers skip each other's locked
 * rows (FOR UPDATE SKIP LOCKED); SQLite has one writer.
 */
export async function claimDue(store: Store, opts: { owner: string; now: number; leaseMs: number; limit: number }): Promise<QueuedMessage[]> {
  const until = opts.now + opts.leaseMs;
  if (store.dialect === 'sqlite') {
    // Read first: in WAL mode a read takes no lock, while an UPDATE takes the single write
    // lock even when nothing matches, which would make every idle poll stall the spool's
    // commits. The UPDATE re-checks the lease, so a row another process claimed meanwhile
    // is skipped.
    const due = await sql<{ id: number }>`
      select id from messages
      where status in ('queued', 'deferred') and next_attempt_at <= ${opts.now}
        and (lease_until is null or lease_until < ${opts.now})
      order by next_attempt_at
      limit ${opts.limit}`.execute(store.db);
    if (due.rows.length === 0) return [];
    const r = await sql<Record<string, unknown>>`
      update messages set lease_owner = ${opts.owner}, lease_until = ${until}
      where id in (${sql.join(due.rows.map((x) => x.id))})
        and status in ('queued', 'deferred') and (lease_until is null or lease_until < ${opts.now})
      returning ${sql.raw(CLAIM_COLUMNS)}`.execute(store.db);
    return r.rows.map(toQueued).sort((a, b) => a.id - b.id);
  }
  // PostgreSQL: concurrent claimers skip each other's locked rows.
  const r = await sql<Record<string, unknown>>`
    update messages set lease_owner = ${opts.owner}, lease_until = ${until}
    where id in (
      select id from messages
      where status in ('queued', 'deferred') and next_attempt_at <= ${opts.now}
        and (lease_until is null or lease_until < ${opts.now})
      order by next_attempt_at
      limit ${opts.limit}
      for update skip locked)
    returning ${sql.raw(CLAIM_COLUMNS)}`.execute(store.db);
  return r.rows.map(toQueued).sort((a, b) => a.id - b.id);
}

function chunk<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/**
 * Gives rows back to the scheduled queue without an attempt (paused site, full ready queue,
 * shutdown). With `owner`, only rows still leased to it: a lease that ran out and was
 * claimed by another node is that node's now.
 */
export async function releaseRows(store: Store, ids: number[], nextAttemptAt: number, owner?: string): Promise<void> {
  for (const c of chunk(ids, 5000)) {
    let q = store.db.updateTable('messages').set({ lease_owner: null, lease_until: null, next_attempt_at: nextAttemptAt }).where('id', 'in', c);
    if (owner !== undefined) q = q.where('lease_owner', '=', owner);
    await q.execute();
  }
}

/**
 * Gives back every row still leased to `owner`: called when a loop with a stable owner
 * starts, since rows leased in its previous life (a crash, kill -9) are held by nobody now
 * and would otherwise wait for their leases to run out. Returns how many.
 */
export async function releaseOwned(store: Store, owner: string): Promise<number> {
  const r = await store.db
    .updateTable('messages')
    .set({ lease_owner: null, lease_until: null })
    .where('lease_owner', '=', owner)
    .where('status', 'in', ['queued', 'deferred'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Extends the lease of rows this owner still holds in memory. */
export async function renewLeases(store: Store, owner: string, ids: number[], until: number): Promise<void> {
  for (const c of chunk(ids, 5000)) {
    await store.db.updateTable('messages').set({ lease_until: until }).where('id', 'in', c).where('lease_owner', '=', owner).execute();
  }
}

/** The bodies that could be read, by id (one that cannot is left out, with a warning). */
export async function loadBodies(store: Store, ids: number[]): Promise<Map<number, Buffer>> {
  const out = new Map<number, Buffer>();
  for (const c of chunk([...new Set(ids)], 1000)) await readBodies(store, await selectBodies(store, c), out);
  return out;
}

const selectBodies = (store: Store, ids: number[]) => store.db.selectFrom('bodies').select(['id', 'raw', 'size', 'file', 'file_offset']).where('id', 'in', ids).execute();

/**
 * The bodies of these rows, from the rows or from their body files (store/body-files.ts),
 * each file opened once. A body that cannot be read is left out with a warning, like a
 * missing row: the others go on, its messages wait for their lease.
 */
async function readBodies(store: Store, rows: Pick<BodiesTable, 'id' | 'raw' | 'size' | 'file' | 'file_offset'>[], out: Map<number, Buffer>, again = true): Promise<void> {
  const byFile = new Map<string, typeof rows>();
  for (const r of rows) {
    if (r.file && store.file) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
    else out.set(Number(r.id), Buffer.from(r.raw.buffer, r.raw.byteOffset, r.raw.byteLength));
  }
  for (const [file, inFile] of byFile) {
    try {
      const got = await readBodyFile(store.file!, file, inFile.map((r) => ({ offset: Number(r.file_offset), size: Number(r.size) })));
      for (const [i, r] of inFile.entries()) {
        const b = got[i]!;
        if (b instanceof Error) process.emitWarning(`body ${r.id}: ${b.message}`);
        else out.set(Number(r.id), b);
      }
    } catch (err) {
      // The writer thread may have just moved them into their rows and removed the file.
      if (again && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        await readBodies(store, await selectBodies(store, inFile.map((r) => Number(r.id))), out, false);
        continue;
      }
      for (const r of inFile) process.emitWarning(`body ${r.id}: ${(err as Error).message}`);
    }
  }
}

export type FinalStatus = 'sent' | 'bounced' | 'expired';

export interface AttemptOutcome {
  id: number;
  status: FinalStatus | 'deferred';
  /** attempts made so far, this one included */
  attempts: number;
  /** for deferred rows */
  nextAttemptAt?: number;
  lastReply: string | null;
  egressIp: string | null;
  event?: EventsTable;
}

/**
 * Writes outcomes and their events in one transaction and drops the leases; a body none of
 * whose recipients is waiting any more is deleted.
 */
export async function applyOutcomes(store: Store, outcomes: AttemptOutcome[], now: number): Promise<void> {
  if (outcomes.length === 0) return;
  const events = outcomes.flatMap((o) => (o.event ? [o.event] : []));
  await store.db.transaction().execute(async (trx) => {
    if (store.dialect === 'postgres') {
      // One statement for the whole batch: a round trip per row would cap throughput.
      for (const c of chunk(outcomes, 2000)) {
        await sql`
          update messages m set status = v.status, attempts = v.attempts,
            next_attempt_at = coalesce(v.next_at, m.next_attempt_at), last_reply = v.reply, egress_ip = v.ip,
            updated_at = ${now}, lease_owner = null, lease_until = null
          from (select * from unnest(${c.map((o) => o.id)}::bigint[], ${c.map((o) => o.status)}::text[],
                ${c.map((o) => o.attempts)}::int[], ${c.map((o) => o.nextAttemptAt ?? null)}::bigint[],
                ${c.map((o) => o.lastReply)}::text[], ${c.map((o) => o.egressIp)}::text[])
                as t(id, status, attempts, next_at, reply, ip)) v
          where m.id = v.id`.execute(trx);
        await sql`
          delete from bodies b where b.id in (
            select m.body_id from messages m where m.id = any(${c.filter((o) => o.status !== 'deferred').map((o) => o.id)}::bigint[]))
          and not exists (select 1 from messages w where w.body_id = b.id and w.status in ('queued', 'deferred'))`.execute(trx);
      }
    } else {
      for (const c of chunk(outcomes, 5000)) {
        const rows = sqliteOutcomeRows(c);
        await trx.executeQuery(CompiledQuery.raw(SQLITE_OUTCOMES_SQL, [now, rows]));
        await trx.executeQuery(CompiledQuery.raw(SQLITE_DONE_BODIES_SQL, [rows]));
      }
    }
    for (const c of chunk(events, 3000)) await trx.insertInto('events').values(c).execute();
  });
}

/** Queue depth by status (for metrics and the queue-memory bench). */
export async function queueCounts(store: Store): Promise<Record<string, number>> {
  const rows = await store.db.selectFrom('messages').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

export interface ScheduledQueue {
  tenantId: number;
  campaign: string | null;
  domain: string;
  messages: number;
  /** earliest next attempt (epoch ms) */
  nextAttemptAt: number;
}

/** The largest scheduled queues ("tenant:campaign@domain"): messages waiting, queued or deferred. */
export async function scheduledQueues(store: Store, limit = 100): Promise<ScheduledQueue[]> {
  const rows = await store.db
    .selectFrom('messages')
    .select(['tenant_id', 'campaign', 'recipient_domain', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.min('next_attempt_at').as('next_at')])
    .where('status', 'in', ['queued', 'deferred'])
    .groupBy(['tenant_id', 'campaign', 'recipient_domain'])
    .orderBy('n', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    tenantId: Number(r.tenant_id),
    campaign: r.campaign,
    domain: r.recipient_domain,
    messages: Number(r.n),
    nextAttemptAt: Number(r.next_at),
  }));
}
