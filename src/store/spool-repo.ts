// Spool writes and reads: message bodies, one queue row per recipient, and their
// `reception` events, inserted together so a message is either wholly spooled or absent.
import type { Kysely } from 'kysely';
import type { Store } from './database.ts';
import type { BodiesTable, EventsTable, MessagesTable, Schema } from './schema.ts';

export interface SpoolBatch {
  bodies: BodiesTable[];
  messages: MessagesTable[];
  events: EventsTable[];
}

// SQLite allows 32766 bound parameters per statement; stay well below.
function chunks<T>(rows: T[], perRow: number): T[][] {
  const size = Math.max(1, Math.floor(30000 / perRow));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

async function insertAll(db: Kysely<Schema>, batch: SpoolBatch): Promise<void> {
  for (const c of chunks(batch.bodies, 5)) await db.insertInto('bodies').values(c).execute();
  for (const c of chunks(batch.messages, 24)) await db.insertInto('messages').values(c).execute();
  for (const c of chunks(batch.events, 7)) await db.insertInto('events').values(c).execute();
}

export async function writeSpoolBatches(store: Store, batches: SpoolBatch[]): Promise<void> {
  const merged: SpoolBatch = { bodies: [], messages: [], events: [] };
  for (const b of batches) {
    merged.bodies.push(...b.bodies);
    merged.messages.push(...b.messages);
    merged.events.push(...b.events);
  }
  await store.db.transaction().execute((trx) => insertAll(trx, merged));
}

export async function countSpooled(store: Store): Promise<{ queued: number; total: number }> {
  const rows = await store.db.selectFrom('messages').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  let queued = 0;
  let total = 0;
  for (const r of rows) {
    total += Number(r.n);
    if (r.status === 'queued' || r.status === 'deferred') queued += Number(r.n);
  }
  return { queued, total };
}
