// Connection slots: how many SMTP connections are open per egress IP -> site, and per site
// over all egress IPs (a provider-wide cap such as Gmail's 5). The delivery loop acquires a
// slot before connecting and releases it when the connection closes, whatever the outcome.
import { readyQueueKey } from './site-key.ts';

export interface SlotLimits {
  /** per egress IP -> site */
  maxConnections: number;
  /** per site over all egress IPs; undefined = no cap */
  providerMaxConnections?: number | undefined;
}

export class ConnectionSlots {
  readonly #perPath = new Map<string, number>();
  readonly #perSite = new Map<string, number>();

  /** Takes a slot if both limits allow; returns whether it did. */
  tryAcquire(ip: string, site: string, limits: SlotLimits): boolean {
    const path = readyQueueKey(ip, site);
    const n = this.#perPath.get(path) ?? 0;
    if (n >= limits.maxConnections) return false;
    const total = this.#perSite.get(site) ?? 0;
    if (limits.providerMaxConnections !== undefined && total >= limits.providerMaxConnections) return false;
    this.#perPath.set(path, n + 1);
    this.#perSite.set(site, total + 1);
    return true;
  }

  /** Gives a slot back. Releasing more than was acquired is a bug in the caller: it throws. */
  release(ip: string, site: string): void {
    const path = readyQueueKey(ip, site);
    const n = this.#perPath.get(path) ?? 0;
    if (n <= 0) throw new Error(`connection slot released twice for ${path}`);
    if (n === 1) this.#perPath.delete(path);
    else this.#perPath.set(path, n - 1);
    const total = this.#perSite.get(site)!;
    if (total === 1) this.#perSite.delete(site);
    else this.#perSite.set(site, total - 1);
  }

  count(ip: string, site: string): number {
    return this.#perPath.get(readyQueueKey(ip, site)) ?? 0;
  }

  siteTotal(site: string): number {
    return this.#perSite.get(site) ?? 0;
  }

  /** Open connections per "ip -> site" (for metrics). */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.#perPath);
  }
}
