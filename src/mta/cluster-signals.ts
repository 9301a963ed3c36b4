// Several nodes on one PostgreSQL: what one node learns, the others hear at once instead of
// at their next poll or restart. Three channels, NOTIFY'd through the store and LISTENed on
// a dedicated connection by every node that delivers (role mta):
//   relais_spooled     new queue rows committed      -> wake the delivery loop
//   relais_automation  an automation trigger or an operator pause (the record itself)
//                                                    -> install it in the automation engine
//   relais_topology    egress IPs, pools or routes changed -> reload them before the next claim
// Payloads are JSON carrying the sender's id, so a node ignores its own. Everything here is
// an accelerator: with the listener down, polling, the 5 s topology refresh and the audit
// log (read back on reconnect) keep the cluster correct, only slower.
import { randomBytes } from 'node:crypto';
import type { Store } from '../store/database.ts';
import { currentSchema, MAX_NOTIFY_PAYLOAD, PgListener, pgNotify, scopedChannel } from '../store/pg-notify.ts';
import type { AutomationEngine, AutomationRecord } from './policy/automation-engine.ts';

export const CHANNELS = { spooled: 'relais_spooled', automation: 'relais_automation', topology: 'relais_topology' } as const;

/** What the signals act on: the public face of DeliveryLoop. */
export interface SignalTarget {
  wake(): void;
  invalidateTopology(): void;
  readonly automation: AutomationEngine | undefined;
  /** installs records and looks at the ready queues they concern (DeliveryLoop) */
  applyAutomation?(records: readonly AutomationRecord[]): void;
}

export interface ClusterSignalsOptions {
  store: Store;
  /** default: process.emitWarning */
  onWarning?: (message: string) => void;
  /** notifications within this window make one wake (default 5 ms) */
  coalesceMs?: number;
  /** passed to the listener (tests shorten them) */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  heartbeatMs?: number;
  /** after a reconnect, audit-log records this far before the drop are read back (default 5 min) */
  catchUpMs?: number;
}

const ACTION_KINDS = new Set(['suspend-site-for-ip', 'reduce-rate', 'reduce-connections', 'bounce', 'suspend-tenant']);

/** A received record, checked field by field: a foreign or garbled payload must not reach the engine. */
export function parseAutomationRecord(v: unknown): AutomationRecord | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const r = v as Record<string, unknown>;
  const a = r.action as Record<string, unknown> | undefined;
  const ok =
    typeof r.rule === 'string' && typeof r.ip === 'string' && typeof r.site === 'string' &&
    (r.tenant === undefined || typeof r.tenant === 'string') &&
    Number.isFinite(r.from) && Number.isFinite(r.until) && typeof r.sampleReply === 'string' &&
    !!a && typeof a === 'object' && typeof a.kind === 'string' && ACTION_KINDS.has(a.kind) &&
    (a.messageRate === undefined || typeof a.messageRate === 'string') &&
    (a.connectionRate === undefined || typeof a.connectionRate === 'string') &&
    (a.maxConnections === undefined || (Number.isInteger(a.maxConnections) && (a.maxConnections as number) >= 1)) &&
    (a.maxMessagesPerConnection === undefined || (Number.isInteger(a.maxMessagesPerConnection) && (a.maxMessagesPerConnection as number) >= 1));
  return ok ? (r as unknown as AutomationRecord) : undefined;
}

/** Identity of a record: the same trigger heard twice (echo, catch-up) is installed once. */
function recordKey(r: AutomationRecord): string {
  return JSON.stringify([r.rule, r.ip, r.site, r.tenant ?? null, r.action, r.from, r.until]);
}

/** The record as JSON under the NOTIFY limit: a huge reply text is cut, the rest is small. */
export function automationPayload(node: string, rec: AutomationRecord): string {
  let r = rec;
  let s = JSON.stringify({ n: node, r });
  if (Buffer.byteLength(s) > MAX_NOTIFY_PAYLOAD) {
    r = { ...rec, sampleReply: `${rec.sampleReply.slice(0, 1000)}…` };
    s = JSON.stringify({ n: node, r });
  }
  return s;
}

export class ClusterSignals {
  /** this node's id in payloads (random per start: two nodes in one process differ too) */
  readonly id = randomBytes(6).toString('hex');
  readonly #o: ClusterSignalsOptions;
  readonly #warn: (m: string) => void;
  #channels: Record<keyof typeof CHANNELS, string> = { ...CHANNELS };
  #listener: PgListener | undefined;
  #target: SignalTarget | undefined;
  #started = false;
  #stopped = false;
  #wakeTimer: NodeJS.Timeout | undefined;
  #pendingSpooled = 0;
  #flushing = false;
  #lostAt: number | undefined;
  #warnedAt = new Map<string, number>();
  /** counters for tests and metrics */
  stats = { sent: 0, received: 0, ignored: 0, wakes: 0, installed: 0, malformed: 0 };

  constructor(o: ClusterSignalsOptions) {
    if (o.store.dialect !== 'postgres') throw new Error('cluster signals need PostgreSQL');
    this.#o = o;
    this.#warn = o.onWarning ?? ((m) => process.emitWarning(m));
  }

  /** Resolves the channel names for this store's schema; publishing works from here on. */
  async start(): Promise<void> {
    const schema = await currentSchema(this.#o.store);
    this.#channels = {
      spooled: scopedChannel(CHANNELS.spooled, schema),
      automation: scopedChannel(CHANNELS.automation, schema),
      topology: scopedChannel(CHANNELS.topology, schema),
    };
    this.#started = true;
  }

  get channels(): Readonly<Record<keyof typeof CHANNELS, string>> {
    return this.#channels;
  }

  /** The listener (tests: its pid, reconnect count); undefined until listen(). */
  get listener(): PgListener | undefined {
    return this.#listener;
  }

  /** Starts LISTENing on behalf of a delivery loop (nodes with the mta role). */
  async listen(target: SignalTarget): Promise<void> {
    if (!this.#started) await this.start();
    this.#target = target;
    this.#listener = new PgListener({
      url: this.#o.store.url,
      channels: Object.values(this.#channels),
      onNotification: (ch, payload) => this.#receive(ch, payload),
      onUp: (again) => {
        if (again) void this.#caughtUp();
        else this.#lostAt = undefined; // a failed first attempt is not a gap to catch up on
      },
      onWarning: (m) => {
        this.#lostAt ??= Date.now();
        this.#warn(`cluster signals: ${m}; meanwhile the delivery loop polls`);
      },
      minBackoffMs: this.#o.minBackoffMs,
      maxBackoffMs: this.#o.maxBackoffMs,
      heartbeatMs: this.#o.heartbeatMs,
    });
    await this.#listener.start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#wakeTimer) clearTimeout(this.#wakeTimer);
    await this.#listener?.stop();
  }

  // ---- publishing -------------------------------------------------------------------

  /** New queue rows were committed on this node. Bursts merge: one NOTIFY in flight at a time. */
  spooled(count: number): void {
    if (count <= 0 || this.#stopped || !this.#started) return;
    this.#pendingSpooled += count;
    if (!this.#flushing) void this.#flushSpooled();
  }

  async #flushSpooled(): Promise<void> {
    this.#flushing = true;
    try {
      while (this.#pendingSpooled > 0 && !this.#stopped) {
        const c = this.#pendingSpooled;
        this.#pendingSpooled = 0;
        await this.#send('spooled', JSON.stringify({ n: this.id, c }));
      }
    } finally {
      this.#flushing = false;
    }
  }

  /** This node's automation triggered (DeliveryLoop onAutomation). */
  automationTriggered(rec: AutomationRecord): void {
    if (this.#stopped || !this.#started) return;
    void this.#send('automation', automationPayload(this.id, rec));
  }

  /**
   * An operator paused ip -> site on this node (DeliveryLoop.pause installs the record in
   * `engine`): shares that record. Resolves once the NOTIFY is sent.
   */
  async paused(engine: AutomationEngine | undefined, ip: string, site: string, until: number): Promise<void> {
    const recs = (engine?.all() ?? []).filter((r) => r.rule === 'operator-pause' && r.ip === ip && r.site === site && r.until === until);
    for (const r of recs) await this.#send('automation', automationPayload(this.id, r));
  }

  /** Egress IPs, pools or routes changed through this node's admin API. */
  async topologyChanged(): Promise<void> {
    await this.#send('topology', JSON.stringify({ n: this.id }));
  }

  async #send(kind: keyof typeof CHANNELS, payload: string): Promise<void> {
    if (this.#stopped || !this.#started) return;
    try {
      await pgNotify(this.#o.store, this.#channels[kind], payload);
      this.stats.sent++;
    } catch (err) {
      // The database is down or the store closing: the other nodes' polling covers it.
      this.#warnThrottled(`send-${kind}`, `cluster signals: NOTIFY ${kind} failed: ${(err as Error).message}`);
    }
  }

  // ---- receiving --------------------------------------------------------------------

  #receive(channel: string, payload: string): void {
    if (this.#stopped) return;
    this.stats.received++;
    const problem = this.#act(channel, payload);
    if (problem) {
      this.stats.malformed++;
      this.#warnThrottled(`malformed-${channel}`, `cluster signals: ignored a malformed notification on ${channel} (${problem}): ${JSON.stringify(payload.slice(0, 120))}`);
    }
  }

  /** Acts on one notification; returns what is wrong with it, if anything. */
  #act(channel: string, payload: string): string | undefined {
    const kind = (Object.keys(this.#channels) as (keyof typeof CHANNELS)[]).find((k) => this.#channels[k] === channel);
    let msg: { n?: unknown; c?: unknown; r?: unknown };
    try {
      msg = JSON.parse(payload);
    } catch {
      return 'not JSON';
    }
    if (!kind || !msg || typeof msg !== 'object' || typeof msg.n !== 'string') return 'no sender id';
    if (msg.n === this.id) {
      this.stats.ignored++;
      return undefined;
    }
    const target = this.#target;
    if (!target) return undefined;
    if (kind === 'spooled') {
      if (msg.c !== undefined && !(Number.isInteger(msg.c) && (msg.c as number) > 0)) return 'bad count';
      this.#wakeSoon();
    } else if (kind === 'topology') {
      target.invalidateTopology();
    } else {
      const rec = parseAutomationRecord(msg.r);
      if (!rec) return 'not an automation record';
      this.#install([rec]);
    }
    return undefined;
  }

  /** Installs records the engine does not hold yet (loading one twice would list it twice). */
  #install(recs: AutomationRecord[]): void {
    const engine = this.#target?.automation;
    if (!engine) return;
    const have = new Set(engine.all().map(recordKey));
    const fresh = recs.filter((r) => !have.has(recordKey(r)));
    if (fresh.length === 0) return;
    const before = engine.all().length;
    if (this.#target?.applyAutomation) this.#target.applyAutomation(fresh);
    else engine.load(fresh);
    this.stats.installed += engine.all().length - before;
    // A new pause or slow-down is checked by the loop's next claim and per message.
    this.#wakeSoon();
  }

  /** After a reconnect: what may have been missed is read back, and the loop looks again. */
  async #caughtUp(): Promise<void> {
    const target = this.#target;
    if (!target || this.#stopped) return;
    const since = (this.#lostAt ?? Date.now()) - (this.#o.catchUpMs ?? 300_000);
    this.#lostAt = undefined;
    target.invalidateTopology();
    if (!target.automation) return;
    try {
      const rows = await this.#o.store.db.selectFrom('audit_log').select('data').where('actor', '=', 'automation').where('created_at', '>=', since).execute();
      const recs: AutomationRecord[] = [];
      for (const row of rows) {
        try {
          const rec = parseAutomationRecord(JSON.parse(row.data));
          if (rec) recs.push(rec);
        } catch {
          // a foreign audit entry; not ours to judge here
        }
      }
      this.#install(recs);
    } catch (err) {
      this.#warn(`cluster signals: reading automation records after reconnect failed: ${(err as Error).message}`);
    }
  }

  #wakeSoon(): void {
    if (this.#wakeTimer || this.#stopped) return;
    this.#wakeTimer = setTimeout(() => {
      this.#wakeTimer = undefined;
      this.stats.wakes++;
      this.#target?.wake();
    }, this.#o.coalesceMs ?? 5);
  }

  /** One warning per kind per 10 s: a flood of bad input or a long outage must not flood the log. */
  #warnThrottled(key: string, message: string): void {
    const now = Date.now();
    if (now - (this.#warnedAt.get(key) ?? 0) < 10_000) return;
    this.#warnedAt.set(key, now);
    this.#warn(message);
  }
}
