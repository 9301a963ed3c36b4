// Shaping rules: the data format (ShapingSpec, as operators write it), its validation, and
// the resolved form (Shaping, numbers in ms) that the delivery loop reads per message.
// Resolution merges builtin default <- operator default <- builtin provider <- operator
// provider/site, and is memoised per site, so the hot path is one Map lookup.
import { ValidationError } from '../../core/errors.ts';
import { STREAMS, type Stream } from '../../core/events.ts';
import { parseDuration, parseRate, type Rate } from './duration.ts';
import { providerById } from './provider-catalogue.ts';
import { BUILTIN_SHAPING } from './shaping-rules.ts';

export type TlsPolicy = 'opportunistic' | 'required' | 'disabled';
export const TLS_POLICIES: readonly TlsPolicy[] = ['opportunistic', 'required', 'disabled'];

/** Retry schedule as written: "10m", factor 2, "4h", jitter 0.2 (±20 %). */
export interface RetryScheduleSpec {
  initialDelay?: string;
  factor?: number;
  maxDelay?: string;
  jitter?: number;
}

/** One layer of shaping as written in data; every field optional so layers can override. */
export interface ShapingSpec {
  /** connections at once from one egress IP to the site */
  maxConnections?: number;
  /** connections at once to the provider from all egress IPs (KumoMTA provider_connection_limit) */
  providerMaxConnections?: number;
  maxMessagesPerConnection?: number;
  /** messages per egress IP -> site, e.g. "100/h", "20/s" */
  messageRate?: string;
  /** new connections per egress IP -> site, e.g. "100/min" */
  connectionRate?: string;
  tls?: TlsPolicy;
  retry?: RetryScheduleSpec;
  /** close a reused connection idle this long */
  idleTimeout?: string;
  /** per stream: messages older than this expire instead of being retried */
  maxAge?: Partial<Record<Stream, string>>;
  /** free text: where the numbers come from */
  note?: string;
}

export interface ShapingRules {
  default: ShapingSpec;
  /** keyed by catalogue provider id */
  providers: Record<string, ShapingSpec>;
}

/** Operator overrides: a default layer and layers per provider id or site key. */
export interface ShapingOverrides {
  default?: ShapingSpec;
  sites?: Record<string, ShapingSpec>;
}

export interface RetrySchedule {
  initialDelayMs: number;
  factor: number;
  maxDelayMs: number;
  /** 0..1: each delay is multiplied by a random factor in [1 - jitter, 1 + jitter] */
  jitter: number;
}

/** Resolved shaping for one site: what the delivery loop enforces. */
export interface Shaping {
  site: string;
  provider?: string;
  maxConnections: number;
  providerMaxConnections?: number;
  maxMessagesPerConnection: number;
  messageRate: Rate;
  connectionRate: Rate;
  tls: TlsPolicy;
  retry: RetrySchedule;
  idleTimeoutMs: number;
  maxAgeMs: Record<Stream, number>;
}

const SPEC_KEYS = new Set([
  'maxConnections', 'providerMaxConnections', 'maxMessagesPerConnection', 'messageRate', 'connectionRate',
  'tls', 'retry', 'idleTimeout', 'maxAge', 'note',
]);
const RETRY_KEYS = new Set(['initialDelay', 'factor', 'maxDelay', 'jitter']);

function check(errors: string[], at: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    errors.push(`${at}: ${(e as Error).message}`);
  }
}

/** Every problem in one layer (unknown keys included, so typos do not pass silently). */
export function validateShapingSpec(spec: ShapingSpec, at: string): string[] {
  const errors: string[] = [];
  if (typeof spec !== 'object' || spec === null) return [`${at}: not an object`];
  for (const k of Object.keys(spec)) if (!SPEC_KEYS.has(k)) errors.push(`${at}: unknown field "${k}"`);
  for (const k of ['maxConnections', 'providerMaxConnections', 'maxMessagesPerConnection'] as const) {
    const v = spec[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) errors.push(`${at}.${k}: must be a positive integer`);
  }
  if (spec.messageRate !== undefined) check(errors, `${at}.messageRate`, () => parseRate(spec.messageRate!));
  if (spec.connectionRate !== undefined) check(errors, `${at}.connectionRate`, () => parseRate(spec.connectionRate!));
  if (spec.tls !== undefined && !TLS_POLICIES.includes(spec.tls)) errors.push(`${at}.tls: must be one of ${TLS_POLICIES.join(', ')}`);
  if (spec.idleTimeout !== undefined) check(errors, `${at}.idleTimeout`, () => parseDuration(spec.idleTimeout!));
  if (spec.retry !== undefined) {
    const r = spec.retry;
    for (const k of Object.keys(r)) if (!RETRY_KEYS.has(k)) errors.push(`${at}.retry: unknown field "${k}"`);
    if (r.initialDelay !== undefined) check(errors, `${at}.retry.initialDelay`, () => parseDuration(r.initialDelay!));
    if (r.maxDelay !== undefined) check(errors, `${at}.retry.maxDelay`, () => parseDuration(r.maxDelay!));
    if (r.factor !== undefined && !(typeof r.factor === 'number' && r.factor >= 1 && r.factor <= 10)) errors.push(`${at}.retry.factor: must be between 1 and 10`);
    if (r.jitter !== undefined && !(typeof r.jitter === 'number' && r.jitter >= 0 && r.jitter < 1)) errors.push(`${at}.retry.jitter: must be in [0, 1)`);
  }
  if (spec.maxAge !== undefined) {
    for (const [k, v] of Object.entries(spec.maxAge)) {
      if (!(STREAMS as readonly string[]).includes(k)) errors.push(`${at}.maxAge: unknown stream "${k}"`);
      else check(errors, `${at}.maxAge.${k}`, () => parseDuration(v as string));
    }
  }
  return errors;
}

/** Validates a whole rule set; `knownProviders` guards against misspelt provider ids. */
export function validateShapingRules(rules: ShapingRules, knownProviders?: (id: string) => boolean): string[] {
  const errors = validateShapingSpec(rules.default, 'default');
  try {
    resolveLayers('default', undefined, [rules.default]);
  } catch (e) {
    errors.push(`default: ${(e as Error).message}`);
  }
  for (const [id, spec] of Object.entries(rules.providers)) {
    if (knownProviders && !knownProviders(id)) errors.push(`providers.${id}: not a catalogue provider`);
    errors.push(...validateShapingSpec(spec, `providers.${id}`));
  }
  return errors;
}

function mergeLayers(layers: readonly (ShapingSpec | undefined)[]): ShapingSpec {
  const out: ShapingSpec = {};
  for (const l of layers) {
    if (!l) continue;
    const { retry, maxAge, note: _note, ...flat } = l;
    Object.assign(out, flat);
    if (retry) out.retry = { ...out.retry, ...retry };
    if (maxAge) out.maxAge = { ...out.maxAge, ...maxAge };
  }
  return out;
}

function required<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new ValidationError(`shaping default is missing ${what}`);
  return v;
}

/** Merges layers (first = base) into a resolved Shaping; throws if the base is incomplete. */
export function resolveLayers(site: string, provider: string | undefined, layers: readonly (ShapingSpec | undefined)[]): Shaping {
  const s = mergeLayers(layers);
  const r = required(s.retry, 'retry');
  const maxAge = required(s.maxAge, 'maxAge');
  const shaping: Shaping = {
    site,
    maxConnections: required(s.maxConnections, 'maxConnections'),
    maxMessagesPerConnection: required(s.maxMessagesPerConnection, 'maxMessagesPerConnection'),
    messageRate: parseRate(required(s.messageRate, 'messageRate')),
    connectionRate: parseRate(required(s.connectionRate, 'connectionRate')),
    tls: required(s.tls, 'tls'),
    retry: {
      initialDelayMs: parseDuration(required(r.initialDelay, 'retry.initialDelay')),
      factor: required(r.factor, 'retry.factor'),
      maxDelayMs: parseDuration(required(r.maxDelay, 'retry.maxDelay')),
      jitter: r.jitter ?? 0,
    },
    idleTimeoutMs: parseDuration(required(s.idleTimeout, 'idleTimeout')),
    maxAgeMs: {
      transactional: parseDuration(required(maxAge.transactional, 'maxAge.transactional')),
      marketing: parseDuration(required(maxAge.marketing, 'maxAge.marketing')),
    },
  };
  if (provider !== undefined) shaping.provider = provider;
  if (s.providerMaxConnections !== undefined) shaping.providerMaxConnections = s.providerMaxConnections;
  return shaping;
}

export interface ShapingPolicy {
  /** Resolved shaping for a site; providerId defaults to the site key when it names a provider. */
  shapingFor(siteKey: string, providerId?: string): Shaping;
}

/**
 * Builds the shaping lookup from the built-in rules plus operator overrides. Validates the
 * overrides up front (throws ValidationError listing every problem) so a bad config fails at
 * start-up, not in the middle of a delivery run.
 */
export function createShaping(overrides: ShapingOverrides = {}, rules: ShapingRules = BUILTIN_SHAPING): ShapingPolicy {
  const errors = [
    ...(overrides.default ? validateShapingSpec(overrides.default, 'overrides.default') : []),
    ...Object.entries(overrides.sites ?? {}).flatMap(([k, v]) => validateShapingSpec(v, `overrides.sites.${k}`)),
  ];
  if (errors.length > 0) throw new ValidationError(`invalid shaping overrides: ${errors.join('; ')}`, errors);
  const cache = new Map<string, Shaping>();
  const sites = overrides.sites ?? {};
  return {
    shapingFor(siteKey, providerId) {
      const pid = providerId ?? (rules.providers[siteKey] || providerById(siteKey) ? siteKey : undefined);
      const key = pid === undefined || pid === siteKey ? siteKey : `${siteKey}\u0000${pid}`;
      let s = cache.get(key);
      if (!s) {
        s = resolveLayers(siteKey, pid, [
          rules.default,
          overrides.default,
          pid ? rules.providers[pid] : undefined,
          pid ? sites[pid] : undefined,
          pid !== siteKey ? sites[siteKey] : undefined,
        ]);
        cache.set(key, s);
      }
      return s;
    },
  };
}

const builtin = createShaping();

/** Shaping for a site from the built-in rules alone (no operator overrides). */
export function shapingFor(siteKey: string, providerId?: string): Shaping {
  return builtin.shapingFor(siteKey, providerId);
}
