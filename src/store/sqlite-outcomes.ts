// The SQL of delivery outcomes on SQLite, shared by queue-repo.ts (on a store connection)
// and the spool's writer thread (sqlite-spool-worker.ts), which must not load Kysely.
import type { AttemptOutcome } from './queue-repo.ts';

// SQLite: one statement for a whole batch of outcomes (passed as one JSON parameter); a
// statement per row cost the delivery thread ~0.25 ms per message. The spool's writer
// thread runs the same text. Parameters: updated_at, the rows.
export const SQLITE_OUTCOMES_SQL = `
  update messages set status = v.status, attempts = v.attempts,
    next_attempt_at = coalesce(v.next_at, messages.next_attempt_at), last_reply = v.reply, egress_ip = v.ip,
    updated_at = ?, lease_owner = null, lease_until = null
  from (select value ->> 0 as id, value ->> 1 as status, value ->> 2 as attempts, value ->> 3 as next_at,
               value ->> 4 as reply, value ->> 5 as ip
        from json_each(?)) as v
  where messages.id = v.id`;

// An MTA keeps a message only until it is done with it: once no recipient of a body is
// still waiting (queued or deferred), the body goes. Parameter: the same rows as above.
// On SQLite, pages freed this way are reused by the next bodies before the checkpointer
// copies them, so the database file stays small and checkpoints write less.
export const SQLITE_DONE_BODIES_SQL = `
  delete from bodies where id in (
    select m.body_id from messages m join json_each(?) v on m.id = v.value ->> 0
    where v.value ->> 1 in ('sent', 'bounced', 'expired'))
  and not exists (select 1 from messages w where w.body_id = bodies.id and w.status in ('queued', 'deferred'))`;

export function sqliteOutcomeRows(outcomes: AttemptOutcome[]): string {
  return JSON.stringify(outcomes.map((o) => [o.id, o.status, o.attempts, o.nextAttemptAt ?? null, o.lastReply, o.egressIp]));
}
