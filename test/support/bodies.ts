// The stored body of a message, read the way the delivery loop reads it: from its row, or
// from its body file on a SQLite node (store/body-files.ts).
import type { Store } from '../../src/store/database.ts';
import { loadBodies } from '../../src/store/queue-repo.ts';

export async function storedBody(store: Store, messageId: number): Promise<Buffer> {
  const m = await store.db.selectFrom('messages').select('body_id').where('id', '=', messageId).executeTakeFirstOrThrow();
  const body = (await loadBodies(store, [Number(m.body_id)])).get(Number(m.body_id));
  if (!body) throw new Error(`message ${messageId}: no body stored`);
  return body;
}
