// Delivers each endpoint's outbox, in order. Per endpoint: at most one POST in flight; a
// POST carries the first pending rows (up to batchSize) in outbox order, and the next
// POST starts only after a 2xx. A failed POST holds the whole endpoint back (head-of-line),
// so events are never reordered within an endpoint; delivery is at-least-once (a batch
// whose 2xx got lost is sent again, with the same event ids).
//
// One dispatcher works per cluster at a time, under the `webhooks` lease.
import type { Registry } from 'prom-client';
import { Counter } from 'prom-client';
import { type Clock, systemClock } from '../core/clock.ts';
import type { EventType } from '../core/events.ts';
import { open } from '../core/secret-box.ts';
import type { Store } from '../store/database.ts';
import {
  acquireLease,
  fillOutbox,
  listDispatchableEndpoints,
  markAttemptFailed,
  markDelivered,
  type OutboxRow,
  outboxHead,
  pruneDelivered,
  releaseLease,
  setEndpointState,
  type WebhookEndpoint,
} from '../store/webhooks-repo.ts';
import { type BackoffPolicy, DEFAULT_BACKOFF, retryDelay } from './backoff.ts';
import { loadEventsWithMessages, mailjetEvent, mailjetHasType, nativeEvent } from './payload.ts';
import { signatureHeader } from './signature.ts';
import { maxIdAt } from '../core/ids.ts';

export const SECRET_PURPOSE = 'webhooks';

export interface DispatcherOptions {
  store: Store;
  masterKey: Buffer;
  clock?: Clock;
  fetch?: typeof fetch;
  registry?: Registry;
  /** name of this node in the lease table */
  owner?: string;
  intervalMs?: number;
  /** events younger than this are left for the next tick, so a slow commit cannot slip behind the cursor */
  settleMs?: number;
  timeoutMs?: number;
  batchSize?: number;
  backoff?: BackoffPolicy;
  /** how often a failing endpoint (without backup) is tried again */
  failingProbeMs?: number;
  /** delivered outbox rows are deleted after this long */
  keepDeliveredMs?: number;
}

// Event ids are (ms since 2024-01-01) * 4096 + node/sequence bits (core/ids.ts): the
// largest id that a given millisecond can have.

/** Which event types an endpoint receives (its filter, and what its format can express). */
export function endpointAccepts(ep: Pick<WebhookEndpoint, 'eventTypes' | 'format'>): (t: EventType) => boolean {
  return (t) => (ep.eventTypes.length === 0 || ep.eventTypes.includes(t)) && (ep.format !== 'mailjet' || mailjetHasType(t));
}

export class WebhookDispatcher {
  private readonly o: Required<Omit<DispatcherOptions, 'registry' | 'fetch'>> & { fetch: typeof fetch };
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly lastPrimaryProbe = new Map<number, number>();
  private stopped = false;
  private lastPrune = 0;
  private readonly posts?: Counter<'outcome'>;

  constructor(given: DispatcherOptions) {
    // an option given as undefined keeps its default
    const opts = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as unknown as DispatcherOptions;
    this.o = {
      clock: systemClock,
      owner: `node-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      intervalMs: 1000,
      settleMs: 2000,
      timeoutMs: 10_000,
      batchSize: 100,
      backoff: DEFAULT_BACKOFF,
      failingProbeMs: 3_600_000,
      keepDeliveredMs: 7 * 86_400_000,
      ...opts,
      fetch: opts.fetch ?? fetch,
    };
    if (opts.registry) {
      this.posts =
        (opts.registry.getSingleMetric('relais_webhook_posts_total') as Counter<'outcome'> | undefined) ??
        new Counter({ name: 'relais_webhook_posts_total', help: 'Webhook POSTs by outcome (ok, http_error, timeout, network_error)', labelNames: ['outcome'], registers: [opts.registry] });
    }
  }

  start(): void {
    const loop = async () => {
      if (this.stopped) return;
      this.running = this.tick().catch(() => {});
      await this.running;
      if (!this.stopped) this.timer = setTimeout(loop, this.o.intervalMs);
    };
    this.timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await Promise.allSettled([...this.inFlight.values()]);
    await releaseLease(this.o.store, 'webhooks', this.o.owner).catch(() => {});
  }

  /** One round: take the lease, fill every endpoint's outbox, start due deliveries. */
  async tick(): Promise<void> {
    const now = this.o.clock.now();
    if (!(await acquireLease(this.o.store, 'webhooks', this.o.owner, Math.max(15_000, this.o.intervalMs * 5), now))) return;
    if (now - this.lastPrune > 3_600_000) {
      this.lastPrune = now;
      await pruneDelivered(this.o.store, now - this.o.keepDeliveredMs);
    }
    const endpoints = await listDispatchableEndpoints(this.o.store);
    const upTo = maxIdAt(now - this.o.settleMs);
    for (const ep of endpoints) {
      // A round moves the cursor over up to 1000 events (enqueuing those the filter takes).
      for (let round = 0; round < 20; round++) {
        const before = ep.cursor;
        await fillOutbox(this.o.store, ep, upTo, endpointAccepts(ep), 1000, now);
        if (ep.cursor === before) break;
      }
      if (!this.inFlight.has(ep.id)) {
        // a store error ends this round for the endpoint; the next tick tries again
        const p = this.deliverEndpoint(ep).catch(() => {}).finally(() => this.inFlight.delete(ep.id));
        this.inFlight.set(ep.id, p);
      }
    }
  }

  /** Waits for the deliveries started so far (tests). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private async deliverEndpoint(ep: WebhookEndpoint): Promise<void> {
    for (let round = 0; round < 50 && !this.stopped; round++) {
      const now = this.o.clock.now();
      const rows = await outboxHead(this.o.store, ep.id, this.o.batchSize);
      if (rows.length === 0 || rows[0].nextAttemptAt > now) return;
      const ok = await this.post(ep, rows, now);
      if (!ok) return;
    }
  }

  /** POSTs once; undefined on 2xx, else what went wrong. */
  private async send(url: string, headers: Record<string, string>, body: string): Promise<{ error?: string; outcome: string }> {
    try {
      const res = await this.o.fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(this.o.timeoutMs) });
      await res.body?.cancel().catch(() => {});
      if (res.status < 200 || res.status > 299) return { error: `HTTP ${res.status}`, outcome: 'http_error' };
      return { outcome: 'ok' };
    } catch (err) {
      const e = err as Error;
      if (e.name === 'TimeoutError' || e.name === 'AbortError') return { error: `no answer within ${this.o.timeoutMs} ms`, outcome: 'timeout' };
      return { error: `network error: ${(e.cause as Error | undefined)?.message ?? e.message}`, outcome: 'network_error' };
    }
  }

  private async post(ep: WebhookEndpoint, rows: OutboxRow[], now: number): Promise<boolean> {
    const loaded = await loadEventsWithMessages(this.o.store, rows.map((r) => r.eventId));
    const items = loaded.map(({ event, message }) => (ep.format === 'mailjet' ? mailjetEvent(event, message) : nativeEvent(event, message))).filter((x) => x !== null);
    if (items.length === 0) {
      await markDelivered(this.o.store, rows.map((r) => r.id), now); // events gone (retention) or not expressible
      return true;
    }
    const body = JSON.stringify(items);
    const ts = Math.floor(now / 1000);
    const secret = open(this.o.masterKey, ep.sealedSecret, SECRET_PURPOSE);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Relais-Webhooks/1',
      'relais-signature': signatureHeader(secret, ts, body),
      'relais-endpoint-id': String(ep.id),
      'relais-delivery-id': String(rows[0].id),
    };
    // A failing endpoint with a backup URL: events go to the backup, and the primary is
    // tried first once per probe interval so that it takes over again when it recovers.
    const useBackup = ep.status === 'failing' && ep.backupUrl !== null;
    let primary = true;
    let url = ep.url;
    let r: { error?: string; outcome: string };
    const probeDue = !useBackup || now - (this.lastPrimaryProbe.get(ep.id) ?? ep.failingSince ?? 0) >= this.o.failingProbeMs;
    if (probeDue) {
      if (useBackup) this.lastPrimaryProbe.set(ep.id, now);
      r = await this.send(url, headers, body);
      this.posts?.inc({ outcome: r.outcome });
    } else r = { error: 'primary not probed', outcome: 'skipped' };
    if (r.error !== undefined && useBackup) {
      primary = false;
      url = ep.backupUrl as string;
      r = await this.send(url, headers, body);
      this.posts?.inc({ outcome: r.outcome });
    }
    const error = r.error;
    const later = this.o.clock.now();
    if (error === undefined) {
      await markDelivered(this.o.store, rows.map((r) => r.id), later);
      const back = ep.status === 'failing' && primary;
      await setEndpointState(this.o.store, ep.id, { last_success_at: later, last_error: null, ...(back ? { status: 'active', failing_since: null } : {}) }, later);
      if (back) {
        ep.status = 'active';
        ep.failingSince = null;
      }
      return true;
    }
    url = url.replace(/\/\/[^@/]*@/, '//'); // never store credentials from the URL
    const head = rows[0];
    const firstFailure = head.firstFailureAt ?? later;
    let turnedFailing = false;
    if (ep.status === 'active' && later - firstFailure >= ep.retryHours * 3_600_000) {
      turnedFailing = true;
      ep.status = 'failing';
      ep.failingSince = later;
      this.lastPrimaryProbe.set(ep.id, later);
    }
    await setEndpointState(this.o.store, ep.id, { last_error: `${url}: ${error}`.slice(0, 500), ...(ep.status === 'failing' ? { status: 'failing', failing_since: ep.failingSince } : {}) }, later);
    // Just given up on the primary and a backup exists: hand the events to the backup at
    // once instead of after another (possibly hours-long) backoff step.
    const delay = turnedFailing && ep.backupUrl ? 0 : ep.status === 'failing' && !ep.backupUrl ? this.o.failingProbeMs : retryDelay(head.attempts + 1, this.o.backoff);
    await markAttemptFailed(this.o.store, rows, later + delay, error, later);
    return false;
  }
}
