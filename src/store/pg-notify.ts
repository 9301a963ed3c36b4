// PostgreSQL LISTEN/NOTIFY for nodes sharing one database: NOTIFY goes through the store's
// pool; LISTEN needs a dedicated connection (a pooled one would be handed to other queries
// and its subscriptions lost), which reconnects by itself with backoff after it drops
// (server restart, pg_terminate_backend, network), so a node never crashes over it.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import type { Store } from './database.ts';

/** PostgreSQL's NOTIFY payload limit is 8000 bytes; stay below it. */
export const MAX_NOTIFY_PAYLOAD = 7900;

/**
 * Channels are database-wide, not per schema: two installations in different schemas of
 * one database must not hear each other. `public` keeps the plain name (readable in psql
 * with `LISTEN relais_spooled`); another schema gets a suffix, hashed when too long for an
 * identifier (63 bytes).
 */
export function scopedChannel(base: string, schema: string): string {
  if (schema === 'public') return base;
  const named = `${base}.${schema}`;
  return Buffer.byteLength(named) <= 63 ? named : `${base}.${createHash('sha256').update(schema).digest('hex').slice(0, 16)}`;
}

/** The schema unqualified names resolve to on this store (search_path). */
export async function currentSchema(store: Store): Promise<string> {
  const r = await sql<{ s: string }>`select current_schema() as s`.execute(store.db);
  return r.rows[0]?.s ?? 'public';
}

/** NOTIFY through the store's pool; delivered to listeners when this (autocommit) statement commits. */
export async function pgNotify(store: Store, channel: string, payload: string): Promise<void> {
  await sql`select pg_notify(${channel}, ${payload})`.execute(store.db);
}

function quoteIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

export interface PgListenerOptions {
  url: string;
  channels: string[];
  onNotification: (channel: string, payload: string) => void;
  /** connected and listening; `again` is true after a reconnect (notifications may have been missed) */
  onUp?: (again: boolean, pid: number) => void;
  onWarning?: (message: string) => void;
  /** first reconnect delay, doubled per failure up to maxBackoffMs (default 250 ms .. 30 s) */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** a `select 1` this often finds a silently dead connection (default 30 s; 0 = off) */
  heartbeatMs?: number;
}

export class PgListener {
  readonly #o: PgListenerOptions;
  #client: pg.Client | undefined;
  /** bumped for every connection attempt: events of an abandoned client are ignored */
  #gen = 0;
  #failures = 0;
  #everUp = false;
  #stopped = false;
  #retry: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #pid: number | undefined;
  reconnects = 0;

  constructor(o: PgListenerOptions) {
    this.#o = o;
  }

  /** Backend pid of the listening connection, undefined while disconnected. */
  get pid(): number | undefined {
    return this.#pid;
  }

  get connected(): boolean {
    return this.#pid !== undefined;
  }

  /** Connects once; on failure keeps retrying in the background (resolves either way). */
  async start(): Promise<void> {
    await this.#connect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#gen++;
    if (this.#retry) clearTimeout(this.#retry);
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    const c = this.#client;
    this.#client = undefined;
    this.#pid = undefined;
    if (c) await c.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    const gen = ++this.#gen;
    const c = new pg.Client({ connectionString: this.#o.url, keepAlive: true, application_name: 'relais-listen' });
    c.on('error', (err) => this.#lost(gen, c, err));
    c.on('end', () => this.#lost(gen, c, undefined));
    c.on('notification', (m) => {
      if (gen === this.#gen) this.#o.onNotification(m.channel, m.payload ?? '');
    });
    try {
      await c.connect();
      const r = await c.query<{ pid: number }>('select pg_backend_pid() as pid');
      for (const ch of this.#o.channels) await c.query(`LISTEN ${quoteIdent(ch)}`);
      if (gen !== this.#gen) {
        // stopped (or superseded) while connecting
        await c.end().catch(() => {});
        return;
      }
      this.#client = c;
      this.#pid = r.rows[0].pid;
    } catch (err) {
      this.#lost(gen, c, err as Error);
      return;
    }
    const again = this.#everUp;
    if (again) this.reconnects++;
    this.#everUp = true;
    this.#failures = 0;
    const hb = this.#o.heartbeatMs ?? 30_000;
    if (hb > 0) {
      this.#heartbeat = setInterval(() => void this.#beat(gen, c), hb);
      this.#heartbeat.unref();
    }
    this.#o.onUp?.(again, this.#pid!);
  }

  async #beat(gen: number, c: pg.Client): Promise<void> {
    let t: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      t = setTimeout(() => reject(new Error('heartbeat timed out')), 10_000);
    });
    try {
      await Promise.race([c.query('select 1'), timeout]);
    } catch (err) {
      this.#lost(gen, c, err as Error);
    } finally {
      clearTimeout(t);
    }
  }

  #lost(gen: number, c: pg.Client, err: Error | undefined): void {
    if (gen !== this.#gen || this.#stopped) return;
    this.#gen++;
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    this.#client = undefined;
    this.#pid = undefined;
    c.end().catch(() => {});
    const min = this.#o.minBackoffMs ?? 250;
    const max = this.#o.maxBackoffMs ?? 30_000;
    const base = Math.min(max, min * 2 ** this.#failures);
    this.#failures++;
    // Jitter: nodes that lost the server together do not all come back in the same instant.
    const delay = Math.round(base * (0.5 + Math.random() / 2));
    this.#o.onWarning?.(`LISTEN connection lost (${err?.message ?? 'closed'}); reconnecting in ${delay} ms`);
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.#connect();
    }, delay);
    this.#retry.unref();
  }
}
