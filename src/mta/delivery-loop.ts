// The delivery loop: claims due rows from the scheduled queue (leased, so a crashed node's
// rows come back), routes each to a ready queue "egress IP -> site", and runs SMTP
// connections per ready queue within the site's shaping (connections per IP, messages per
// connection, message and connection rates) and the automation adjustments in force.
import { attachedBodyFacts, knowBodyFacts } from '../auth/body-facts.ts';
import { randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '../core/clock.ts';
import type { DkimSigner } from '../auth/dkim-signer.ts';
import type { Resolver } from '../dns/resolver.ts';
import { sql } from 'kysely';
import { openStore, type Store } from '../store/database.ts';
import { writerThreadFor } from '../store/spool-writer.ts';
import { loadTopology } from '../store/egress-repo.ts';
import type { BodiesTable, EventsTable, MessagesTable } from '../store/schema.ts';
import { type AttemptOutcome, claimDue, loadBodies, type QueuedMessage, releaseOwned, releaseRows, renewLeases, toQueued } from '../store/queue-repo.ts';
import { type AttemptContext, attemptOutcome, expiredOutcome } from './attempt-outcome.ts';
import { type Destination, DestinationResolver, parseRouteSetting, type RouteEntry } from './destination.ts';
import { type Egress, EgressSelector, type WeightOf } from './egress-selector.ts';
import { OutcomeWriter } from './outcome-writer.ts';
import { AutomationEngine, type AutomationRecord } from './policy/automation-engine.ts';
import { BUILTIN_AUTOMATION } from './policy/automation-rules.ts';
import { ConnectionSlots } from './policy/connection-slots.ts';
import type { MtaStsIo } from './policy/mta-sts.ts';
import { type EffectiveShaping, effectiveShaping } from './policy/effective-shaping.ts';
import { createShaping, type ShapingPolicy } from './policy/shaping.ts';
import { type Body, type Job, ReadyQueue } from './ready-queue.ts';
import { OutboundConnection, type SmtpResult } from './smtp-client.ts';

export type SignerLookup = (domain: string) => DkimSigner | undefined | Promise<DkimSigner | undefined>;

export interface DeliveryOptions {
  store: Store;
  resolver: Resolver;
  /** HELO name when no egress IP is configured */
  hostname: string;
  /** static routes from the config, "domain=host:port"; the store's routes are added */
  routes?: string[];
  clock?: Clock;
  shaping?: ShapingPolicy;
  /** default: the built-in automation rules; null disables automation */
  automation?: AutomationEngine | null;
  /** DKIM signer for a From domain, undefined = send unsigned */
  signerFor?: SignerLookup;
  /**
   * Header lines (each ending in CRLF) that belong to one recipient's copy, such as its
   * List-Unsubscribe link; they are prepended before signing, so the signature covers them.
   */
  recipientHeaders?: (msg: QueuedMessage) => string;
  weightOf?: WeightOf;
  /**
   * Lease owner name; give each node a stable one (startDelivery uses the node id) so that a
   * restarted node takes back at once what it had leased before a crash. Default: random.
   */
  owner?: string;
  /** whether this node can send from an egress IP (default: every IP is local) */
  isLocal?: (ip: string) => boolean;
  /** MTA-STS discovery (RFC 8461) for MX destinations; undefined/null = not enforced */
  mtaSts?: MtaStsIo | null;
  /** port for MX hosts (25; tests point it elsewhere) */
  mxPort?: number;
  leaseMs?: number;
  claimBatch?: number;
  maxInMemory?: number;
  pollMs?: number;
  topologyRefreshMs?: number;
  connectTimeoutMs?: number;
  /** inactivity timeout per SMTP command (default 2 min) */
  socketTimeoutMs?: number;
  /** wait for the reply to the end of a message's content (default 10 min, RFC 5321 §4.5.3.2.6) */
  dataTimeoutMs?: number;
  /** how long stop() lets sends under way finish before cutting their connections (default 15 s) */
  stopTimeoutMs?: number;
  /** hold a message this long when its pool has no usable IP */
  holdMs?: number;
  /** every event written (tests, metrics) */
  onEvent?: (e: EventsTable) => void;
  /** every automation trigger */
  onAutomation?: (r: AutomationRecord) => void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const sizeOf = (raw: Buffer | Buffer[]) => (Buffer.isBuffer(raw) ? raw.length : raw.reduce((n, b) => n + b.length, 0));

export class DeliveryLoop {
  readonly owner: string;
  readonly #o: DeliveryOptions;
  readonly #clock: Clock;
  readonly #shaping: ShapingPolicy;
  readonly #dest: DestinationResolver;
  readonly #slots = new ConnectionSlots();
  readonly #writer: OutcomeWriter;
  /** the connection for queue writes (claims, outcomes, releases): see start() */
  #q: Store;
  #ownConnection: Store | undefined;
  readonly #queues = new Map<string, ReadyQueue>();
  readonly #held = new Map<number, Job>();
  readonly #bodies = new Map<number, Body>();
  readonly #configRoutes: RouteEntry[];
  readonly #automation: AutomationEngine | undefined;
  #selector: EgressSelector | undefined;
  #suspended = new Set<number>();
  #topologyAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #leaseTimer: NodeJS.Timeout | undefined;
  #ticking = false;
  #again = false;
  #stopping = false;
  #workers = new Set<Promise<void>>();
  /** connections open now (stop() ends those still busy at its deadline) */
  readonly #open = new Set<OutboundConnection>();
  /** claim and adopt passes under way (stop() waits for them) */
  readonly #routing = new Set<Promise<void>>();
  stats = { claimed: 0, adopted: 0, sent: 0, deferred: 0, bounced: 0, expired: 0, released: 0, connections: 0 };

  constructor(o: DeliveryOptions) {
    this.#o = o;
    this.owner = o.owner ?? `mta-${randomBytes(6).toString('hex')}`;
    this.#clock = o.clock ?? systemClock;
    this.#shaping = o.shaping ?? createShaping();
    this.#configRoutes = (o.routes ?? []).map(parseRouteSetting);
    this.#dest = new DestinationResolver({ resolver: o.resolver, routes: this.#configRoutes, mxPort: o.mxPort, mtaSts: o.mtaSts ?? undefined });
    this.#q = o.store;
    this.#writer = new OutcomeWriter(() => this.#q, { thread: () => writerThreadFor(this.#o.store) });
    this.#automation = o.automation === null ? undefined : (o.automation ?? new AutomationEngine(BUILTIN_AUTOMATION, this.#clock));
  }

  get automation(): AutomationEngine | undefined {
    return this.#automation;
  }

  get leaseMs(): number {
    return this.#leaseMs;
  }

  get #leaseMs(): number {
    return this.#o.leaseMs ?? 300_000;
  }

  async start(): Promise<void> {
    if (this.#o.store.dialect === 'sqlite' && !this.#o.store.url.includes(':memory:')) {
      // node:sqlite is synchronous: with synchronous=FULL every claim and release would
      // fsync on the event loop. Queue bookkeeping gets its own connection with
      // synchronous=NORMAL (WAL: durable against process crashes, not power loss). Outcomes
      // go through the spool's writer thread when the node runs one, else through this
      // connection; losing an outcome to a power cut means the message is delivered again:
      // at-least-once holds.
      this.#ownConnection = await openStore(this.#o.store.url);
      await sql`pragma synchronous=NORMAL`.execute(this.#ownConnection.db);
      this.#q = this.#ownConnection;
    }
    // With a stable owner (one per node), rows leased before a crash come back at once.
    const back = await releaseOwned(this.#q, this.owner);
    if (back > 0) this.stats.released += back;
    await this.#refreshTopology();
    await this.#loadAutomation();
    this.#leaseTimer = setInterval(() => void this.#renew(), Math.max(1000, this.#leaseMs / 3));
    this.#leaseTimer.unref();
    this.wake();
  }

  /**
   * Operator pause of one ready queue ("egress IP -> site"; ip "default" when no egress IP
   * is configured) until `until`: installed like an automation suspension and recorded.
   */
  async pause(ip: string, site: string, until: number, reason = 'paused by operator'): Promise<void> {
    if (!this.#automation) throw new Error('pausing needs the automation engine');
    const rec: AutomationRecord = { rule: 'operator-pause', ip, site, action: { kind: 'suspend-site-for-ip' }, from: this.#clock.now(), until, sampleReply: reason };
    this.#automation.load([rec]);
    await this.#o.store.db.insertInto('audit_log').values({ actor: 'automation', action: rec.rule, subject: `${ip} -> ${site}`, data: JSON.stringify(rec), created_at: rec.from }).execute();
    for (const q of this.#queues.values()) if (q.egress.key === ip && q.site === site) this.#pump(q);
  }

  /**
   * Adjustments decided elsewhere (another node's automation trigger or operator pause):
   * installed (once, however often heard), and the ready queues they concern are looked at
   * now, so messages already waiting in memory go back to the scheduled queue at once.
   */
  applyAutomation(records: readonly AutomationRecord[]): void {
    if (!this.#automation || records.length === 0) return;
    this.#automation.load(records);
    const now = this.#clock.now();
    for (const q of this.#queues.values()) {
      if (!records.some((r) => r.site === q.site)) continue;
      // A tenant suspended for this site: its waiting messages go back until it ends.
      const hold: Job[] = [];
      const keep: Job[] = [];
      for (const j of q.drain()) {
        const until = this.#automation.tenantSuspendedUntil(String(j.msg.tenantId), q.site);
        (until !== undefined && until > now ? hold : keep).push(j);
      }
      for (const j of keep) q.push(j);
      for (const j of hold) void this.#releaseJobs([j], this.#automation.tenantSuspendedUntil(String(j.msg.tenantId), q.site) ?? now);
      this.#pump(q);
    }
  }

  /** Egress IPs, pools or routes changed: reload them before the next claim. */
  invalidateTopology(): void {
    this.#topologyAt = 0;
    this.wake();
  }

  /** New mail was spooled (or a test wants a pass now). */
  wake(): void {
    this.#schedule(0);
  }

  #schedule(ms: number): void {
    if (this.#stopping) return;
    if (this.#ticking) {
      if (ms === 0) this.#again = true;
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#tick(), ms);
  }

  /** Reinstalls adjustments still in force from the audit log, so a restart keeps a suspension. */
  async #loadAutomation(): Promise<void> {
    if (!this.#automation) return;
    const since = this.#clock.now() - 86_400_000;
    const rows = await this.#o.store.db.selectFrom('audit_log').select('data').where('actor', '=', 'automation').where('created_at', '>=', since).execute();
    this.#automation.load(rows.map((r) => JSON.parse(r.data) as AutomationRecord));
  }

  async #refreshTopology(): Promise<void> {
    const topo = await loadTopology(this.#o.store);
    this.#selector = new EgressSelector(topo, { defaultHelo: this.#o.hostname, weightOf: this.#o.weightOf, isLocal: this.#o.isLocal });
    this.#suspended = new Set(topo.suspendedTenants);
    // Forget idle ready queues (one per egress IP -> site ever seen would grow without bound).
    for (const [k, q] of this.#queues) if (q.size === 0 && q.workers === 0 && !q.pumpTimer) this.#queues.delete(k);
    const stored = topo.routes.map((r) => parseRouteSetting(`${r.domain}=${r.target}`));
    this.#dest.setRoutes([...this.#configRoutes, ...stored]);
    this.#topologyAt = Date.now();
  }

  async #tick(): Promise<void> {
    this.#timer = undefined;
    if (this.#stopping) return;
    this.#ticking = true;
    let full = false;
    try {
      if (Date.now() - this.#topologyAt > (this.#o.topologyRefreshMs ?? 5000)) await this.#refreshTopology();
      full = await this.#claim();
    } catch (err) {
      process.emitWarning(`delivery loop: ${(err as Error).message}`);
    } finally {
      this.#ticking = false;
    }
    const again = this.#again || full;
    this.#again = false;
    this.#schedule(again ? 0 : (this.#o.pollMs ?? 1000));
  }

  /** One claim pass; true when the batch was full (more is probably due). */
  async #claim(): Promise<boolean> {
    const room = (this.#o.maxInMemory ?? 20_000) - this.#held.size;
    if (room <= 0) return false;
    const limit = Math.min(this.#o.claimBatch ?? 1000, room);
    const now = this.#clock.now();
    const rows = await claimDue(this.#q, { owner: this.owner, now, leaseMs: this.#leaseMs, limit });
    if (rows.length === 0) return false;
    this.stats.claimed += rows.length;
    await this.#tracked(this.#route(rows, now, undefined));
    return rows.length === limit;
  }

  /**
   * Takes over rows this node's spool has just committed already leased to this loop, with
   * their bodies still in memory: no claim query and no body read for mail that arrives
   * while the loop has room (the KumoMTA way: the spool is for crashes, not the hot path).
   * Rows it cannot take (no room, stopping, a body no longer in memory) go back to the
   * scheduled queue for the next claim.
   */
  adopt(batch: { messages: readonly MessagesTable[]; bodies: readonly BodiesTable[] }): void {
    const mine = batch.messages.filter((m) => m.lease_owner === this.owner);
    if (mine.length === 0) return;
    const bodies = new Map<number, Buffer>();
    for (const b of batch.bodies) {
      const raw = b.raw as Buffer;
      if (raw.length > 0 || b.size === 0) bodies.set(Number(b.id), raw);
      // what intake learnt of this body (its DKIM body hash) spares the signer a pass
      const facts = attachedBodyFacts(b);
      if (facts && raw.length === b.size) knowBodyFacts(raw, facts);
    }
    const now = this.#clock.now();
    const room = (this.#o.maxInMemory ?? 20_000) - this.#held.size;
    const take: QueuedMessage[] = [];
    const giveBack: number[] = [];
    for (const m of mine) {
      if (!this.#stopping && take.length < room && bodies.has(Number(m.body_id))) take.push(toQueued(m as unknown as Record<string, unknown>));
      else giveBack.push(Number(m.id));
    }
    if (giveBack.length > 0) {
      this.stats.released += giveBack.length;
      void releaseRows(this.#q, giveBack, now, this.owner).catch((err) => process.emitWarning(`release failed: ${(err as Error).message}`));
      this.wake();
    }
    if (take.length === 0) return;
    this.stats.adopted += take.length;
    void this.#tracked(this.#route(take, now, bodies)).catch((err) => process.emitWarning(`delivery loop: ${(err as Error).message}`));
  }

  /** A routing pass stop() must wait for. */
  async #tracked(p: Promise<void>): Promise<void> {
    this.#routing.add(p);
    try {
      await p;
    } finally {
      this.#routing.delete(p);
    }
  }

  /** Sends claimed or adopted rows to their ready queues (or back, or to a final outcome). */
  async #route(rows: QueuedMessage[], now: number, preloaded: Map<number, Buffer> | undefined): Promise<void> {
    const domains = [...new Set(rows.map((r) => r.recipientDomain))];
    const dests = new Map<string, Destination>();
    await Promise.all(domains.map(async (d) => dests.set(d, await this.#dest.resolve(d, now))));
    const releases = new Map<number, number[]>();
    const release = (id: number, at: number) => {
      const l = releases.get(at) ?? [];
      l.push(id);
      releases.set(at, l);
    };
    const touched = new Set<ReadyQueue>();
    const accepted: { m: QueuedMessage; q: ReadyQueue }[] = [];
    const pending = new Map<ReadyQueue, number>();
    const selector = this.#selector!;
    for (const m of rows) {
      if (now >= m.expiresAt) {
        this.#finish(undefined, expiredOutcome(m, null, now));
        continue;
      }
      const dest = dests.get(m.recipientDomain)!;
      if (dest.kind !== 'ok') {
        const result = { ok: false as const, error: dest.error, text: dest.text };
        const ctx: AttemptContext = { mx: null, mxAddress: null, ip: null, helo: this.#o.hostname, site: m.recipientDomain, tls: null };
        this.#finish(undefined, attemptOutcome({ msg: m, result, ctx, retry: this.#shaping.shapingFor(m.recipientDomain).retry, now }));
        continue;
      }
      if (this.#suspended.has(m.tenantId)) {
        // An operator-suspended tenant's mail waits (it is not lost) until reactivation.
        release(m.id, now + (this.#o.holdMs ?? 60_000));
        continue;
      }
      const choice = selector.choose(m.tenantId, m.stream);
      if (choice.kind === 'hold') {
        release(m.id, now + (this.#o.holdMs ?? 60_000));
        continue;
      }
      const tenantUntil = this.#automation?.tenantSuspendedUntil(String(m.tenantId), dest.site);
      if (tenantUntil !== undefined && tenantUntil > now) {
        release(m.id, tenantUntil);
        continue;
      }
      const q = this.#queueFor(choice.egress, dest);
      const eff = this.#effective(q, now);
      if (eff.suspendedUntil !== undefined && eff.suspendedUntil > now) {
        release(m.id, eff.suspendedUntil);
        continue;
      }
      // A slow site must not fill memory and starve the others: beyond a few connections'
      // worth, its rows go back to the scheduled queue for a moment.
      const cap = Math.max(500, eff.maxConnections * eff.maxMessagesPerConnection * 2);
      const n = pending.get(q) ?? 0;
      if (q.size + n >= cap) {
        release(m.id, now + 2000);
        continue;
      }
      pending.set(q, n + 1);
      accepted.push({ m, q });
    }
    // Bodies only for the rows that stay: a paused site's rows never load theirs.
    const needBodies = accepted.filter((a) => !this.#bodies.has(a.m.bodyId) && !preloaded?.has(a.m.bodyId)).map((a) => a.m.bodyId);
    const raw = needBodies.length > 0 ? await loadBodies(this.#q, needBodies) : new Map<number, Buffer>();
    if (preloaded) for (const [id, b] of preloaded) raw.set(id, b);
    if (this.#stopping) {
      // Stopped meanwhile: nothing goes into a ready queue any more, the rows go back now.
      for (const { m } of accepted) release(m.id, now);
      accepted.length = 0;
    }
    for (const { m, q } of accepted) {
      let body = this.#bodies.get(m.bodyId);
      if (!body) {
        const r = raw.get(m.bodyId);
        if (!r) {
          process.emitWarning(`delivery loop: body ${m.bodyId} of message ${m.id} is missing`);
          continue;
        }
        body = { raw: r, refs: 0 };
        this.#bodies.set(m.bodyId, body);
      }
      body.refs++;
      const job: Job = { msg: m, body, queue: q };
      // Signing starts now, on the thread pool, so it overlaps with the SMTP dialogue of earlier messages.
      void this.#signed(job).catch(() => {});
      this.#held.set(m.id, job);
      q.push(job);
      touched.add(q);
    }
    for (const [at, ids] of releases) {
      this.stats.released += ids.length;
      await releaseRows(this.#q, ids, at, this.owner);
    }
    for (const q of touched) this.#pump(q);
  }

  #queueFor(egress: Egress, dest: Extract<Destination, { kind: 'ok' }>): ReadyQueue {
    const probe = new ReadyQueue(egress, dest.site, dest.provider, dest.hosts, dest.verifyTls === true);
    const q = this.#queues.get(probe.key);
    if (q) {
      q.hosts = dest.hosts;
      return q;
    }
    this.#queues.set(probe.key, probe);
    return probe;
  }

  #effective(q: ReadyQueue, now: number): EffectiveShaping {
    const base = this.#shaping.shapingFor(q.site, q.provider);
    const adj = this.#automation ? this.#automation.active(q.egress.key, q.site) : [];
    return effectiveShaping(base, adj, now);
  }

  /** Opens connections for a ready queue as its backlog and its shaping allow. */
  #pump(q: ReadyQueue): void {
    if (this.#stopping || q.size === 0) return;
    const now = this.#clock.now();
    const eff = this.#effective(q, now);
    if (eff.suspendedUntil !== undefined && eff.suspendedUntil > now) {
      void this.#releaseJobs(q.drain(), eff.suspendedUntil);
      q.releaseWaiters();
      return;
    }
    const rateWait = q.peekMessageWait(eff.messageRate, now);
    if (rateWait > 1000) {
      // Rate-limited for a while (e.g. an automation's 1/min): no connection until then.
      this.#pumpLater(q, rateWait);
      return;
    }
    const want = Math.min(eff.maxConnections, Math.ceil(q.size / eff.maxMessagesPerConnection));
    while (q.workers < want) {
      if (!this.#slots.tryAcquire(q.egress.key, q.site, eff)) return; // a closing connection pumps again
      const wait = q.connectionWait(eff.connectionRate, now);
      if (wait > 0) {
        this.#slots.release(q.egress.key, q.site);
        this.#pumpLater(q, wait);
        return;
      }
      q.workers++;
      const w = this.#worker(q, eff).finally(() => {
        this.#workers.delete(w);
        q.workers--;
        this.#slots.release(q.egress.key, q.site);
        this.#pump(q);
      });
      this.#workers.add(w);
    }
  }

  #pumpLater(q: ReadyQueue, ms: number): void {
    if (q.pumpTimer || this.#stopping) return;
    q.pumpTimer = setTimeout(() => {
      q.pumpTimer = undefined;
      this.#pump(q);
    }, ms);
  }

  async #connect(q: ReadyQueue, eff: EffectiveShaping): Promise<{ conn?: OutboundConnection; failure?: SmtpResult; host?: string; address?: string }> {
    let failure: SmtpResult | undefined;
    for (const h of q.hosts) {
      const addrs = await this.#dest.addresses(h.host);
      if (addrs.length === 0) failure = { ok: false, error: 'dns-temporary', text: `no address for MX ${h.host}`, closed: true };
      for (const address of addrs.slice(0, 2)) {
        this.stats.connections++;
        const open = async (tls: EffectiveShaping['tls']) => {
          const c = new OutboundConnection({
            address, port: h.port, hostName: h.host, localAddress: q.egress.ip, helo: q.egress.helo, tls, verifyTls: q.verifyTls,
            connectTimeoutMs: this.#o.connectTimeoutMs,
            socketTimeoutMs: this.#o.socketTimeoutMs,
            dataTimeoutMs: this.#o.dataTimeoutMs,
          });
          this.#open.add(c);
          const res = await c.connect();
          if (res) this.#open.delete(c);
          return { c, res };
        };
        let { c: conn, res: r } = await open(eff.tls);
        if (r && !r.ok && 'error' in r && r.error === 'tls-handshake' && eff.tls === 'opportunistic' && !q.verifyTls) {
          // Opportunistic TLS that fails its handshake: plain text rather than no mail at all
          // (what Postfix does at security level "may").
          this.stats.connections++;
          ({ c: conn, res: r } = await open('disabled'));
        }
        if (!r) return { conn, host: h.host, address };
        failure = r;
        this.#observe(q, r, undefined);
        // A 5xx greeting or refused connection: try the next MX, as RFC 5321 §5.1 asks.
      }
    }
    return { failure: failure ?? { ok: false, error: 'dns-temporary', text: 'no MX host to try', closed: true } };
  }

  async #worker(q: ReadyQueue, eff0: EffectiveShaping): Promise<void> {
    const { conn, failure, host, address } = await this.#connect(q, eff0);
    if (!conn) {
      // Every message on this path would meet the same failure: defer them all now
      // instead of reconnecting once per message.
      const now = this.#clock.now();
      const ctx = this.#ctx(q, null, null, null);
      for (const job of q.drain()) {
        this.#finish(job, attemptOutcome({ msg: job.msg, result: failure!, ctx, retry: eff0.retry, now, bounceUntil: eff0.bounceUntil }));
      }
      return;
    }
    const idleMs = Math.min(eff0.idleTimeoutMs, 2000);
    let sent = 0;
    // The message announced with the previous content (its MAIL/RCPT/DATA already sent).
    let carried: Job | undefined;
    const giveUpCarried = async () => {
      if (!carried) return;
      const j = carried;
      carried = undefined;
      await conn.abandonAnnounced();
      q.unshift(j);
    };
    try {
      while (!this.#stopping && !conn.closed) {
        let eff = this.#effective(q, this.#clock.now());
        if (sent >= eff.maxMessagesPerConnection) break;
        if (eff.suspendedUntil !== undefined && eff.suspendedUntil > this.#clock.now()) break;
        let job: Job;
        const wasAnnounced = carried !== undefined;
        if (carried) {
          job = carried;
          carried = undefined;
        } else {
          const j = await q.next(idleMs);
          if (!j) break;
          job = j;
        }
        if (conn.closed || this.#stopping) {
          // The server hung up while we waited (idle timeout, a 421 notice): this message
          // was not tried, it goes back for another connection.
          q.unshift(job);
          break;
        }
        const tenantUntil = this.#automation?.tenantSuspendedUntil(String(job.msg.tenantId), q.site);
        if (tenantUntil !== undefined && tenantUntil > this.#clock.now()) {
          if (wasAnnounced) await conn.abandonAnnounced();
          void this.#releaseJobs([job], tenantUntil);
          continue;
        }
        if (!wasAnnounced) {
          // (an announced message took its token when it was announced)
          const wait = q.messageWait(eff.messageRate, this.#clock.now());
          if (wait > 1000) {
            q.unshift(job);
            this.#pumpLater(q, wait);
            break;
          }
          if (wait > 0) {
            await sleep(wait);
            q.messageWait(eff.messageRate, this.#clock.now());
          }
        }
        let raw: Buffer | Buffer[];
        try {
          raw = await this.#signed(job);
        } catch (err) {
          process.emitWarning(`DKIM signing failed for message ${job.msg.id}: ${(err as Error).message}`);
          raw = job.body.raw;
        }
        // With PIPELINING, the next waiting message (signed already, within the rate) is
        // announced with this content: one round trip per message instead of two.
        let next: Job | undefined;
        if (conn.pipelining && sent + 1 < eff.maxMessagesPerConnection && !this.#stopping) {
          const candidate = q.take();
          const signedNext = candidate ? this.#signedNow(candidate) : undefined;
          if (candidate && signedNext !== undefined && q.peekMessageWait(eff.messageRate, this.#clock.now()) === 0) {
            q.messageWait(eff.messageRate, this.#clock.now());
            next = candidate;
          } else if (candidate) {
            q.unshift(candidate);
          }
        }
        const nextEnvelope = next
          ? { from: next.msg.mailFrom, to: next.msg.recipient, size: sizeOf(this.#signedNow(next)!) }
          : undefined;
        const result = await conn.send(job.msg.mailFrom, job.msg.recipient, raw, nextEnvelope);
        sent++;
        if (next) {
          // Still announced unless the connection went down with this message.
          if (conn.announced) carried = next;
          else q.unshift(next);
        }
        const now = this.#clock.now();
        const triggered = result.ok ? [] : this.#observe(q, result, job.msg.tenantId);
        eff = triggered.length > 0 ? this.#effective(q, now) : eff;
        const ctx = this.#ctx(q, host!, address!, conn);
        this.#finish(job, attemptOutcome({ msg: job.msg, result, ctx, retry: eff.retry, now, bounceUntil: eff.bounceUntil }));
        if (triggered.length > 0) await giveUpCarried(); // the rules may hold it now: decide afresh
        if (triggered.some((t) => t.action.kind === 'suspend-tenant')) {
          // The tenant's other messages for this site wait out the suspension.
          const until = this.#automation!.tenantSuspendedUntil(String(job.msg.tenantId), q.site) ?? now;
          const keep: Job[] = [];
          const hold: Job[] = [];
          for (const j of q.drain()) (j.msg.tenantId === job.msg.tenantId ? hold : keep).push(j);
          for (const j of keep) q.push(j);
          void this.#releaseJobs(hold, until);
        }
      }
    } finally {
      if (carried) {
        // Stopping, suspended, or the connection's message limit: the announced message
        // was not sent; it waits for another connection.
        await giveUpCarried().catch(() => {});
      }
      conn.close();
      this.#open.delete(conn);
    }
  }

  #ctx(q: ReadyQueue, mx: string | null, address: string | null, conn: OutboundConnection | null): AttemptContext {
    return { mx, mxAddress: address, ip: q.egress.ip ?? null, helo: q.egress.helo, site: q.site, provider: q.provider, tls: conn?.tlsInfo() ?? null };
  }

  /** Feeds a non-2xx reply to the automation rules; persists what they trigger. */
  #observe(q: ReadyQueue, r: SmtpResult, tenantId: number | undefined): AutomationRecord[] {
    if (!this.#automation || r.ok || !('reply' in r)) return [];
    const recs = this.#automation.record({ ip: q.egress.key, site: q.site, reply: r.reply.text, ...(tenantId !== undefined ? { tenant: String(tenantId) } : {}) });
    for (const rec of recs) {
      this.#o.onAutomation?.(rec);
      void this.#o.store.db
        .insertInto('audit_log')
        .values({ actor: 'automation', action: rec.rule, subject: `${rec.ip} -> ${rec.site}`, data: JSON.stringify(rec), created_at: rec.from })
        .execute()
        .catch(() => {});
    }
    if (recs.length > 0) {
      // Waiting messages of a suspended path go back to the scheduled queue now.
      setImmediate(() => this.#pump(q));
    }
    return recs;
  }

  #signed(job: Job): Promise<Buffer | Buffer[]> {
    const lookup = this.#o.signerFor;
    const domain = job.msg.fromAddr.slice(job.msg.fromAddr.lastIndexOf('@') + 1).toLowerCase();
    const sign = async (raw: Buffer, prefix?: string) => {
      const signer = lookup ? await lookup(domain) : undefined;
      // In pieces: the 100 KB body is written to the socket as is, not copied behind the signature.
      if (signer) return signer.signAsyncParts(raw, prefix);
      return prefix ? [Buffer.from(prefix, 'utf8'), raw] : raw;
    };
    const extra = this.#o.recipientHeaders?.(job.msg) ?? '';
    if (extra) {
      // This recipient's copy differs from its siblings': signed on its own, but the signer
      // hashes the shared body once (cached by the body Buffer) for all copies.
      job.signed ??= sign(job.body.raw, extra).then((v) => (job.signedNow = v));
      return job.signed;
    }
    const body = job.body;
    body.signed ??= sign(body.raw).then((v) => (body.signedNow = v));
    return body.signed;
  }

  /** The signed copy if signing has finished (undefined while it runs or when it failed). */
  #signedNow(job: Job): Buffer | Buffer[] | undefined {
    return job.signed ? job.signedNow : job.body.signedNow;
  }

  #finish(job: Job | undefined, o: AttemptOutcome): void {
    const key = o.status === 'sent' ? 'sent' : o.status === 'deferred' ? 'deferred' : o.status === 'bounced' ? 'bounced' : 'expired';
    this.stats[key]++;
    if (job) this.#forget(job);
    if (o.event) this.#o.onEvent?.(o.event);
    this.#writer.add(o).catch((err) => process.emitWarning(`delivery outcome not recorded (the lease will expire and the message be retried): ${(err as Error).message}`));
  }

  #forget(job: Job): void {
    this.#held.delete(job.msg.id);
    if (--job.body.refs <= 0) this.#bodies.delete(job.msg.bodyId);
  }

  async #releaseJobs(jobs: Job[], at: number): Promise<void> {
    if (jobs.length === 0) return;
    for (const j of jobs) this.#forget(j);
    this.stats.released += jobs.length;
    await releaseRows(this.#q, jobs.map((j) => j.msg.id), at, this.owner).catch((err) => process.emitWarning(`release failed: ${(err as Error).message}`));
  }

  async #renew(): Promise<void> {
    if (this.#held.size === 0) return;
    await renewLeases(this.#q, this.owner, [...this.#held.keys()], this.#clock.now() + this.#leaseMs).catch(() => {});
  }

  /** Queue depth per ready queue and open connections (for the admin API and metrics). */
  snapshot(): { queues: { key: string; waiting: number; connections: number }[]; held: number } {
    return {
      held: this.#held.size,
      queues: [...this.#queues.values()].filter((q) => q.size > 0 || q.workers > 0).map((q) => ({ key: q.key, waiting: q.size, connections: q.workers })),
    };
  }

  /** Finishes messages in flight, gives waiting ones back to the scheduled queue, flushes outcomes. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#leaseTimer) clearInterval(this.#leaseTimer);
    for (const q of this.#queues.values()) {
      if (q.pumpTimer) clearTimeout(q.pumpTimer);
      q.releaseWaiters();
    }
    // A claim or adopt pass under way finishes first (it gives back what it holds).
    while (this.#ticking || this.#routing.size > 0) {
      await Promise.allSettled([...this.#routing]);
      if (this.#ticking) await sleep(5);
    }
    let t: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.#workers]), new Promise((r) => (t = setTimeout(r, this.#o.stopTimeoutMs ?? 15_000)))]);
    clearTimeout(t);
    if (this.#workers.size > 0) {
      // Sends still waiting after 15 s are cut off, so their outcomes (deferred, connection
      // reset) are recorded before the store closes; a lease left behind would mean the
      // message goes again after a restart even though this node may have delivered it.
      for (const c of this.#open) c.abort('delivery loop stopping');
      await Promise.race([Promise.allSettled([...this.#workers]), sleep(2000)]);
    }
    const waiting = [...this.#queues.values()].flatMap((q) => q.drain());
    await this.#releaseJobs(waiting, this.#clock.now());
    await this.#writer.flush();
    if (this.#ownConnection) await this.#ownConnection.close();
    this.#q = this.#o.store;
  }
}

export type { QueuedMessage };
