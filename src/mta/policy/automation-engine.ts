// Adaptive shaping: the receiver's replies drive temporary adjustments. Pure state machine
// over a Clock: record(reply) -> triggered records; active(ip, site, tenant) -> what applies
// now. Adjustments carry their own `until` and vanish when it passes; nothing needs to undo
// them. Records are plain objects the caller stores (audit trail) and can load back after a
// restart, so a suspension survives a crash.
import type { Clock } from '../../core/clock.ts';
import { ValidationError } from '../../core/errors.ts';
import { parseDuration, parseRate } from './duration.ts';
import { readyQueueKey } from './site-key.ts';

export type AutomationAction =
  /** stop delivering from this egress IP to this site until the record expires */
  | { kind: 'suspend-site-for-ip' }
  /** slow this egress IP -> site down (never speeds up: the slower rate wins) */
  | { kind: 'reduce-rate'; messageRate?: string; connectionRate?: string }
  /** fewer connections / messages per connection for this egress IP -> site */
  | { kind: 'reduce-connections'; maxConnections?: number; maxMessagesPerConnection?: number }
  /** transient failures on this egress IP -> site bounce instead of deferring */
  | { kind: 'bounce' }
  /** hold this tenant's messages for this site (all egress IPs) */
  | { kind: 'suspend-tenant' };

export type AutomationActionKind = AutomationAction['kind'];

export interface AutomationRule {
  id: string;
  /** catalogue provider ids whose sites the rule watches, or ['*'] for any site */
  providers: string[];
  /** regular expression source, matched case-insensitively against the whole reply */
  match: string;
  /** "n/window": trigger on the n-th match within the window; absent = first match */
  threshold?: string;
  actions: AutomationAction[];
  /** how long the adjustment lasts, e.g. "90m" */
  duration: string;
  /** real replies this rule must match */
  examples: string[];
  note?: string;
}

/** One trigger: what the delivery loop applies and what the lead stores as evidence. */
export interface AutomationRecord {
  rule: string;
  ip: string;
  site: string;
  tenant?: string;
  action: AutomationAction;
  /** epoch ms */
  from: number;
  /** epoch ms; the adjustment no longer applies at or after this instant */
  until: number;
  sampleReply: string;
}

export interface ReplyObservation {
  ip: string;
  site: string;
  tenant?: string;
  reply: string;
}

interface CompiledRule {
  rule: AutomationRule;
  re: RegExp;
  count: number;
  windowMs: number;
  durationMs: number;
  tenantScoped: boolean;
}

const TENANT_ACTIONS = new Set<AutomationActionKind>(['suspend-tenant']);

function compile(rule: AutomationRule): CompiledRule {
  const t = rule.threshold ? parseRate(rule.threshold) : { count: 1, perMs: 1 };
  return {
    rule,
    re: new RegExp(rule.match, 'i'),
    count: Math.ceil(t.count),
    windowMs: t.perMs,
    durationMs: parseDuration(rule.duration),
    tenantScoped: rule.actions.some((a) => TENANT_ACTIONS.has(a.kind)),
  };
}

function tenantKey(tenant: string, site: string): string {
  return `tenant ${tenant} -> ${site}`;
}

export class AutomationEngine {
  readonly #clock: Clock;
  readonly #byProvider = new Map<string, CompiledRule[]>();
  readonly #anySite: CompiledRule[] = [];
  /** match times per rule and scope, at most `count` kept */
  readonly #hits = new Map<string, number[]>();
  /** active records per scope key ("ip -> site" or "tenant t -> site") */
  readonly #active = new Map<string, AutomationRecord[]>();

  constructor(rules: readonly AutomationRule[], clock: Clock) {
    this.#clock = clock;
    const errors = validateAutomationRules(rules);
    if (errors.length > 0) throw new ValidationError(`invalid automation rules: ${errors.join('; ')}`, errors);
    for (const rule of rules) {
      const c = compile(rule);
      for (const p of rule.providers) {
        if (p === '*') this.#anySite.push(c);
        else {
          let list = this.#byProvider.get(p);
          if (!list) this.#byProvider.set(p, (list = []));
          list.push(c);
        }
      }
    }
  }

  /**
   * Records one reply (call it for every non-2xx reply, with the whole multi-line text)
   * and returns the records of the adjustments it triggered, usually none. `site` is the
   * site key: a provider id selects that provider's rules.
   */
  record(obs: ReplyObservation): AutomationRecord[] {
    const now = this.#clock.now();
    const own = this.#byProvider.get(obs.site);
    let matched = own ? own.filter((c) => c.re.test(obs.reply)) : [];
    if (matched.length === 0) matched = this.#anySite.filter((c) => c.re.test(obs.reply));
    const out: AutomationRecord[] = [];
    for (const c of matched) {
      if (c.tenantScoped && obs.tenant === undefined) continue;
      const scope = c.tenantScoped ? tenantKey(obs.tenant!, obs.site) : readyQueueKey(obs.ip, obs.site);
      // While the rule's adjustment stands, further matches are its expected echo.
      if (this.#live(scope, now).some((r) => r.rule === c.rule.id)) continue;
      const hitKey = `${c.rule.id}\u0000${scope}`;
      const hits = (this.#hits.get(hitKey) ?? []).filter((t) => t > now - c.windowMs);
      hits.push(now);
      if (hits.length < c.count) {
        this.#hits.set(hitKey, hits);
        continue;
      }
      this.#hits.delete(hitKey);
      for (const action of c.rule.actions) {
        const rec: AutomationRecord = {
          rule: c.rule.id,
          ip: obs.ip,
          site: obs.site,
          action,
          from: now,
          until: now + c.durationMs,
          sampleReply: obs.reply,
        };
        if (obs.tenant !== undefined) rec.tenant = obs.tenant;
        out.push(rec);
      }
    }
    for (const rec of out) this.#install(rec);
    return out;
  }

  /** Adjustments in force now for deliveries from `ip` to `site` (tenant suspensions included when tenant is given). */
  active(ip: string, site: string, tenant?: string): AutomationRecord[] {
    const now = this.#clock.now();
    const ipSite = this.#live(readyQueueKey(ip, site), now);
    return tenant === undefined ? ipSite : [...ipSite, ...this.#live(tenantKey(tenant, site), now)];
  }

  /** When a tenant's suspension for a site ends, or undefined when it is not suspended. */
  tenantSuspendedUntil(tenant: string, site: string): number | undefined {
    const recs = this.#live(tenantKey(tenant, site), this.#clock.now());
    return recs.length === 0 ? undefined : Math.max(...recs.map((r) => r.until));
  }

  /** Reinstalls stored records after a restart; expired ones are ignored. */
  load(records: readonly AutomationRecord[]): void {
    const now = this.#clock.now();
    // Idempotent: the same record heard twice (from the audit log and from another node) is held once.
    const same = (a: AutomationRecord, b: AutomationRecord) =>
      a.rule === b.rule && a.ip === b.ip && a.site === b.site && a.tenant === b.tenant && a.from === b.from && a.until === b.until && JSON.stringify(a.action) === JSON.stringify(b.action);
    const held = this.all();
    for (const r of records) {
      if (r.until <= now || held.some((h) => same(h, r))) continue;
      this.#install(r);
      held.push(r);
    }
  }

  /** Every record still in force (for dashboards and `relais` inspection). */
  all(): AutomationRecord[] {
    const now = this.#clock.now();
    return [...this.#active.keys()].flatMap((k) => this.#live(k, now));
  }

  /** Drops expired records and stale counters; call now and then to bound memory. */
  prune(): void {
    const now = this.#clock.now();
    for (const k of [...this.#active.keys()]) this.#live(k, now);
    const maxWindow = Math.max(0, ...[...this.#byProvider.values()].flat().concat(this.#anySite).map((c) => c.windowMs));
    for (const [k, hits] of this.#hits) if (hits.every((t) => t <= now - maxWindow)) this.#hits.delete(k);
  }

  #install(rec: AutomationRecord): void {
    const scope = TENANT_ACTIONS.has(rec.action.kind) ? tenantKey(rec.tenant ?? '', rec.site) : readyQueueKey(rec.ip, rec.site);
    const list = this.#active.get(scope);
    if (list) list.push(rec);
    else this.#active.set(scope, [rec]);
  }

  #live(scope: string, now: number): AutomationRecord[] {
    const list = this.#active.get(scope);
    if (!list) return [];
    const live = list.filter((r) => r.until > now);
    if (live.length === 0) this.#active.delete(scope);
    else if (live.length !== list.length) this.#active.set(scope, live);
    return live;
  }
}

/** An operator entry: a rule (replaces a built-in rule with the same id) or a switch-off. */
export type AutomationRuleOverride = AutomationRule | { id: string; disabled: true };

/** Built-in rules with operator rules layered on top: same id replaces, `disabled` removes, new ids append. */
export function mergeAutomationRules(base: readonly AutomationRule[], overrides: readonly AutomationRuleOverride[] = []): AutomationRule[] {
  const byId = new Map(base.map((r) => [r.id, r]));
  for (const o of overrides) {
    if ('disabled' in o && o.disabled) byId.delete(o.id);
    else byId.set(o.id, o as AutomationRule);
  }
  return [...byId.values()];
}

/** Every problem in a rule set; the engine refuses to start with any. */
export function validateAutomationRules(rules: readonly AutomationRule[], knownProvider?: (id: string) => boolean): string[] {
  const errors: string[] = [];
  const ids = new Set<string>();
  for (const r of rules) {
    const at = `rule ${r.id}`;
    if (!/^[a-z0-9]+(-[a-z0-9.]+)*$/.test(r.id)) errors.push(`${at}: id must be lowercase words joined by dashes`);
    if (ids.has(r.id)) errors.push(`${at}: duplicate id`);
    ids.add(r.id);
    if (!Array.isArray(r.providers) || r.providers.length === 0) errors.push(`${at}: no providers (use ["*"] for any site)`);
    else if (r.providers.includes('*') && r.providers.length > 1) errors.push(`${at}: "*" cannot be combined with providers`);
    else if (knownProvider) for (const p of r.providers) if (p !== '*' && !knownProvider(p)) errors.push(`${at}: unknown provider ${p}`);
    let re: RegExp | undefined;
    try {
      re = new RegExp(r.match, 'i');
    } catch (e) {
      errors.push(`${at}: bad regex: ${(e as Error).message}`);
    }
    if (re?.test('')) errors.push(`${at}: regex matches the empty reply`);
    if (r.threshold !== undefined) {
      try {
        const t = parseRate(r.threshold);
        if (!Number.isInteger(t.count)) errors.push(`${at}: threshold count must be an integer`);
      } catch (e) {
        errors.push(`${at}: threshold: ${(e as Error).message}`);
      }
    }
    try {
      if (parseDuration(r.duration) <= 0) errors.push(`${at}: duration must be positive`);
    } catch (e) {
      errors.push(`${at}: duration: ${(e as Error).message}`);
    }
    if (!Array.isArray(r.actions) || r.actions.length === 0) errors.push(`${at}: no actions`);
    else {
      const tenant = r.actions.filter((a) => TENANT_ACTIONS.has(a.kind)).length;
      if (tenant > 0 && tenant < r.actions.length) errors.push(`${at}: suspend-tenant cannot be combined with per-IP actions`);
      for (const a of r.actions) errors.push(...validateAction(a, at));
    }
    if (!Array.isArray(r.examples) || r.examples.length === 0) errors.push(`${at}: needs at least one real reply as example`);
    for (const ex of r.examples ?? []) {
      if (!/^[245]\d\d[ -]/.test(ex)) errors.push(`${at}: example does not start with an SMTP reply code: ${ex.slice(0, 40)}`);
      else if (re && !re.test(ex)) errors.push(`${at}: example does not match: ${ex.slice(0, 60)}`);
      if (r.actions?.some((a) => a.kind === 'bounce') && !ex.startsWith('4')) {
        errors.push(`${at}: a bounce rule is for 4xx replies (5xx bounce anyway): ${ex.slice(0, 40)}`);
      }
    }
  }
  return errors;
}

function validateAction(a: AutomationAction, at: string): string[] {
  switch (a.kind) {
    case 'suspend-site-for-ip':
    case 'bounce':
    case 'suspend-tenant':
      return [];
    case 'reduce-rate': {
      if (a.messageRate === undefined && a.connectionRate === undefined) return [`${at}: reduce-rate needs messageRate or connectionRate`];
      const errs: string[] = [];
      for (const v of [a.messageRate, a.connectionRate]) {
        if (v === undefined) continue;
        try {
          parseRate(v);
        } catch (e) {
          errs.push(`${at}: ${(e as Error).message}`);
        }
      }
      return errs;
    }
    case 'reduce-connections': {
      if (a.maxConnections === undefined && a.maxMessagesPerConnection === undefined) return [`${at}: reduce-connections needs maxConnections or maxMessagesPerConnection`];
      const bad = [a.maxConnections, a.maxMessagesPerConnection].some((v) => v !== undefined && (!Number.isInteger(v) || v < 1));
      return bad ? [`${at}: reduce-connections limits must be positive integers`] : [];
    }
    default:
      return [`${at}: unknown action ${(a as { kind: string }).kind}`];
  }
}
