// A ready queue: the messages waiting to leave from one egress IP for one site, with the
// rate buckets of that path. Connections (workers) take messages from it in order.
import type { Egress } from './egress-selector.ts';
import type { TargetHost } from './destination.ts';
import { formatRate, type Rate } from './policy/duration.ts';
import { readyQueueKey } from './policy/site-key.ts';
import { TokenBucket } from './policy/token-bucket.ts';
import type { QueuedMessage } from '../store/queue-repo.ts';

export interface Body {
  raw: Buffer;
  refs: number;
  /** the DKIM-signed bytes (as pieces, see DkimSigner.signAsyncParts), computed once per body and shared by its recipients */
  signed?: Promise<Buffer | Buffer[]>;
  /** the same, once signing has finished (announcing a message needs its size now) */
  signedNow?: Buffer | Buffer[];
}

export interface Job {
  msg: QueuedMessage;
  body: Body;
  queue: ReadyQueue;
  /** the signed bytes of this recipient's copy, when it carries headers of its own */
  signed?: Promise<Buffer | Buffer[]>;
  signedNow?: Buffer | Buffer[];
}

export class ReadyQueue {
  readonly key: string;
  readonly egress: Egress;
  readonly site: string;
  readonly provider: string | undefined;
  hosts: TargetHost[];
  /** MTA-STS enforce: valid TLS required on this queue's connections */
  readonly verifyTls: boolean;
  workers = 0;
  #jobs: Job[] = [];
  #head = 0;
  #waiters: ((j: Job | undefined) => void)[] = [];
  #msgBucket: TokenBucket | undefined;
  #msgRate = '';
  #connBucket: TokenBucket | undefined;
  #connRate = '';
  pumpTimer: NodeJS.Timeout | undefined;

  constructor(egress: Egress, site: string, provider: string | undefined, hosts: TargetHost[], verifyTls = false) {
    this.egress = egress;
    this.site = site;
    this.provider = provider;
    this.hosts = hosts;
    this.verifyTls = verifyTls;
    // Domains of one site with and without an enforced MTA-STS policy get separate queues
    // (their connections differ) but share the site's shaping and connection slots.
    this.key = readyQueueKey(egress.key, site) + (verifyTls ? ' [mta-sts]' : '');
  }

  get size(): number {
    return this.#jobs.length - this.#head;
  }

  push(j: Job): void {
    const w = this.#waiters.shift();
    if (w) w(j);
    else this.#jobs.push(j);
  }

  unshift(j: Job): void {
    if (this.#head > 0) this.#jobs[--this.#head] = j;
    else this.#jobs.unshift(j);
  }

  take(): Job | undefined {
    if (this.#head >= this.#jobs.length) return undefined;
    const j = this.#jobs[this.#head];
    this.#jobs[this.#head++] = undefined as unknown as Job;
    if (this.#head > 1024 && this.#head * 2 > this.#jobs.length) {
      this.#jobs = this.#jobs.slice(this.#head);
      this.#head = 0;
    }
    return j;
  }

  /** Removes and returns every waiting job. */
  drain(): Job[] {
    const out = this.#jobs.slice(this.#head);
    this.#jobs = [];
    this.#head = 0;
    return out;
  }

  /** The next job, waiting up to `ms` for one to arrive (an idle connection stays open that long). */
  next(ms: number): Promise<Job | undefined> {
    const j = this.take();
    if (j || ms <= 0) return Promise.resolve(j);
    return new Promise((resolve) => {
      const w = (x: Job | undefined) => {
        clearTimeout(t);
        resolve(x);
      };
      const t = setTimeout(() => {
        const i = this.#waiters.indexOf(w);
        if (i >= 0) this.#waiters.splice(i, 1);
        resolve(undefined);
      }, ms);
      this.#waiters.push(w);
    });
  }

  /** Wakes idle connections so they close (shutdown, suspension). */
  releaseWaiters(): void {
    for (const w of this.#waiters.splice(0)) w(undefined);
  }

  #messageBucket(rate: Rate, now: number): TokenBucket {
    const k = formatRate(rate);
    if (!this.#msgBucket) this.#msgBucket = new TokenBucket(rate, { now });
    else if (k !== this.#msgRate) this.#msgBucket.setRate(rate, now);
    this.#msgRate = k;
    return this.#msgBucket;
  }

  /** ms until a message may be sent under `rate` (taking the token when 0). */
  messageWait(rate: Rate, now: number): number {
    const b = this.#messageBucket(rate, now);
    const w = b.waitMs(now);
    if (w === 0) b.tryTake(now);
    return w;
  }

  /** ms until a message may be sent, without taking a token. */
  peekMessageWait(rate: Rate, now: number): number {
    return this.#messageBucket(rate, now).waitMs(now);
  }

  connectionWait(rate: Rate, now: number): number {
    const k = formatRate(rate);
    if (!this.#connBucket) this.#connBucket = new TokenBucket(rate, { now });
    else if (k !== this.#connRate) this.#connBucket.setRate(rate, now);
    this.#connRate = k;
    const w = this.#connBucket.waitMs(now);
    if (w === 0) this.#connBucket.tryTake(now);
    return w;
  }
}
