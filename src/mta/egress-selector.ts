// Which egress IP a message leaves from. Order: the tenant's dedicated pool (and nothing
// else, even when all its IPs are paused: a dedicated tenant never borrows shared
// reputation), else the shared pool for the stream, else a shared pool serving both streams,
// else the active IPs that are in no pool, else the system's default source address.
import type { EgressIp, Pool, Topology } from '../store/egress-repo.ts';
import { pickEgressIp } from './policy/pick-egress-ip.ts';

export interface Egress {
  /** undefined: let the kernel choose the source address */
  ip: string | undefined;
  helo: string;
  /** the ready-queue key part: the IP, or "default" */
  key: string;
  pool: string | null;
}

export type EgressChoice = { kind: 'ok'; egress: Egress } | { kind: 'hold'; why: string };

/** Weight seam: the reputation engine multiplies in scores and warm-up budgets here. */
export type WeightOf = (ip: EgressIp) => number;

export class EgressSelector {
  readonly #byIp: Map<string, EgressIp>;
  readonly #dedicated = new Map<number, Pool>();
  readonly #sharedByStream = new Map<string, Pool[]>();
  readonly #sharedAny: Pool[] = [];
  readonly #unpooled: EgressIp[];
  /** IPs configured but held by another node */
  readonly #remote = new Set<string>();
  readonly #defaultHelo: string;
  readonly #weightOf: WeightOf;
  readonly #rng: () => number;

  /**
   * isLocal: whether this node can bind the address. On a cluster each node sends only from
   * the egress IPs it holds; messages whose pool has none here wait for a node that does.
   */
  constructor(topology: Topology, opts: { defaultHelo: string; weightOf?: WeightOf; rng?: () => number; isLocal?: (ip: string) => boolean }) {
    const local = opts.isLocal;
    for (const i of topology.ips) if (local && !local(i.ip)) this.#remote.add(i.ip);
    this.#byIp = new Map(topology.ips.map((i) => [i.ip, i]));
    this.#defaultHelo = opts.defaultHelo;
    this.#weightOf = opts.weightOf ?? ((ip) => ip.weight);
    this.#rng = opts.rng ?? Math.random;
    const pooled = new Set<string>();
    for (const p of topology.pools) {
      for (const ip of p.ips) pooled.add(ip);
      if (p.kind === 'dedicated' && p.tenantId !== null) this.#dedicated.set(p.tenantId, p);
      else if (p.stream) {
        const list = this.#sharedByStream.get(p.stream) ?? [];
        list.push(p);
        this.#sharedByStream.set(p.stream, list);
      } else this.#sharedAny.push(p);
    }
    this.#unpooled = topology.ips.filter((i) => !pooled.has(i.ip));
  }

  #draw(ips: EgressIp[], pool: string | null): Egress | undefined {
    const cands = ips.filter((i) => i.status === 'active' && !this.#remote.has(i.ip)).map((i) => ({ ip: i.ip, weight: this.#weightOf(i), row: i }));
    const c = pickEgressIp(cands, this.#rng);
    return c ? { ip: c.ip, helo: c.row.helo, key: c.ip, pool } : undefined;
  }

  #poolIps(p: Pool): EgressIp[] {
    return p.ips.map((ip) => this.#byIp.get(ip)).filter((x): x is EgressIp => x !== undefined);
  }

  choose(tenantId: number, stream: string): EgressChoice {
    const own = this.#dedicated.get(tenantId);
    if (own) {
      const e = this.#draw(this.#poolIps(own), own.name);
      return e ? { kind: 'ok', egress: e } : { kind: 'hold', why: `dedicated pool ${own.name} has no active egress IP on this node` };
    }
    for (const pools of [this.#sharedByStream.get(stream) ?? [], this.#sharedAny]) {
      if (pools.length === 0) continue;
      const e = this.#draw(pools.flatMap((p) => this.#poolIps(p)), pools[0].name);
      if (e) return { kind: 'ok', egress: e };
      return { kind: 'hold', why: `shared pool ${pools[0].name} for ${stream} has no active egress IP on this node` };
    }
    if (this.#unpooled.length > 0) {
      const e = this.#draw(this.#unpooled, null);
      if (e) return { kind: 'ok', egress: e };
      if (this.#unpooled.some((i) => this.#remote.has(i.ip))) return { kind: 'hold', why: 'the unpooled egress IPs are on other nodes' };
    }
    // No pool serves this message (or only other tenants' dedicated ones, which are never
    // borrowed): the host's own address.
    return { kind: 'ok', egress: { ip: undefined, helo: this.#defaultHelo, key: 'default', pool: null } };
  }
}
