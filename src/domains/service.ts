// Sending domains for tenants: add (key + DNS plan), check (verdicts, verification state,
// DKIM rotation steps), rotate, verify by hand. One service behind the HTTP API, the CLI
// and the periodic re-check, so that all three apply the same rules.
import type { RecordCheck } from '../auth/check-types.ts';
import { type DkimAlgorithm, dkimRecordName, dkimRecordStrings, dkimRecordText, generateDkimKey, nextSelector } from '../auth/dkim-keys.ts';
import { applyRotation, decideRotation, type RotationKey } from '../auth/dkim-rotation.ts';
import { type CheckChange, checkDomain, type DomainCheckResult, diffDomainChecks } from '../auth/domain-check.ts';
import { normalizeDomain } from '../auth/domain-name.ts';
import { type DomainPlan, lookupExistingRecords, planDomainRecords } from '../auth/domain-plan.ts';
import { hasInclude } from '../auth/spf-record.ts';
import { type Clock, systemClock } from '../core/clock.ts';
import type { Config } from '../core/config.ts';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import { seal } from '../core/secret-box.ts';
import { createDnsResolver } from '../dns/node-resolver.ts';
import type { Resolver } from '../dns/resolver.ts';
import type { Store } from '../store/database.ts';
import {
  auditDomain, ConflictError, deleteDomain, type DkimKeyRow, type DomainRow, type DomainState, getDomainRow, insertDomain, insertKey, listDomainRows, listKeys,
  markHandVerified, recordCheck, selectorsForName, updateKey,
} from '../store/domains-repo.ts';
import { listEgressIps, listPools } from '../store/egress-repo.ts';
import { clearGateCache } from './gate-cache.ts';
import { operatorDnsSettings } from './settings.ts';
import { refreshSigners } from './signer-cache.ts';

/** Purpose string for sealing DKIM private keys (core/secret-box.ts derives a key per purpose). */
export const DKIM_SEAL_PURPOSE = 'dkim';

export interface DomainServiceDeps {
  store: Store;
  config: Pick<Config, 'hostname' | 'bounceDomain' | 'dnsServers'>;
  masterKey: Buffer;
  resolver?: Resolver;
  clock?: Clock;
  /** RSA key size (tests use 1024 to save time; production 2048). */
  rsaBits?: number;
}

export interface DomainView {
  id: number;
  name: string;
  unicode_name: string;
  status: DomainState;
  /** Mail with a From address at this domain is accepted. */
  sending_allowed: boolean;
  hand_verified: boolean;
  verified_at: string | null;
  checked_at: string | null;
  created_at: string;
  keys: Array<{
    selector: string;
    algorithm: DkimAlgorithm;
    state: string;
    in_dns: boolean | 'unknown';
    signing: boolean;
    created_at: string;
    activated_at: string | null;
    retiring_since: string | null;
    record: { name: string; value: string; strings: string[] };
  }>;
  last_check: null | { status: string; summary: string; checked_at: string; records: RecordCheck[] };
}

export interface DomainWithPlan extends DomainView {
  /** What to publish: each record with its action (create / replace / none). */
  records: DomainPlan['records'];
  operator_records: DomainPlan['operatorRecords'];
  /** Notes about the plan itself (e.g. existing records could not be read). */
  notes: string[];
}

export interface CheckOutcome {
  domain: DomainWithPlan;
  check: DomainCheckResult;
  changes: CheckChange[];
  /** What the rotation did in this check (switched, retired, published). */
  rotation: string[];
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function createDomainService(deps: DomainServiceDeps) {
  const { store, masterKey } = deps;
  const clock = deps.clock ?? systemClock;
  const op = operatorDnsSettings(deps.config);
  const resolver =
    deps.resolver ?? createDnsResolver({ servers: deps.config.dnsServers.length > 0 ? deps.config.dnsServers : undefined, cache: false, timeoutMs: 2000, tries: 2 });

  async function newKey(name: string, algorithm: DkimAlgorithm) {
    const pair = generateDkimKey(algorithm, deps.rsaBits ?? 2048);
    const selector = nextSelector(await selectorsForName(store, name), new Date(clock.now()), algorithm);
    return { selector, algorithm, publicKey: pair.publicKey, privateKeySealed: seal(masterKey, pair.privateKeyPem, DKIM_SEAL_PURPOSE) };
  }

  /** Egress IPs SPF must pass for: the tenant's dedicated pools and the shared pools; all active IPs when no pool is set up. */
  async function egressIpsFor(tenantId: number): Promise<string[]> {
    const active = new Set((await listEgressIps(store)).filter((i) => i.status === 'active').map((i) => i.ip));
    const pools = (await listPools(store)).filter((p) => p.kind === 'shared' || p.tenantId === tenantId);
    const inPools = [...new Set(pools.flatMap((p) => p.ips))].filter((ip) => active.has(ip));
    return inPools.length > 0 ? inPools : [...active];
  }

  function view(d: DomainRow, keys: DkimKeyRow[]): DomainView {
    const last = d.lastCheck ? (JSON.parse(d.lastCheck) as DomainCheckResult) : null;
    return {
      id: d.id,
      name: d.name,
      unicode_name: d.unicodeName,
      status: d.status,
      sending_allowed: d.verifiedAt !== null || d.handVerified,
      hand_verified: d.handVerified,
      verified_at: iso(d.verifiedAt),
      checked_at: iso(d.checkedAt),
      created_at: iso(d.createdAt)!,
      keys: keys.map((k) => ({
        selector: k.selector,
        algorithm: k.algorithm,
        state: k.state,
        in_dns: k.inDns,
        signing: k.state === 'active' && k.inDns === true,
        created_at: iso(k.createdAt)!,
        activated_at: iso(k.activatedAt),
        retiring_since: iso(k.retiringSince),
        record: { name: dkimRecordName(k.selector, d.name), value: dkimRecordText(k), strings: dkimRecordStrings(k) },
      })),
      last_check: last ? { status: last.status, summary: last.summary, checked_at: last.checkedAt, records: last.records } : null,
    };
  }

  async function withPlan(d: DomainRow, keys?: DkimKeyRow[]): Promise<DomainWithPlan> {
    const ks = keys ?? (await listKeys(store, d.id));
    const existing = await lookupExistingRecords(d.name, resolver);
    const notes: string[] = [];
    if (existing.temporary) {
      notes.push(
        `DNS did not answer for ${d.name} just now, so we could not read your existing SPF/DMARC records. If you already have an SPF record, add include:${op.spfInclude} to it instead of creating a second one.`,
      );
    }
    const plan = planDomainRecords({
      domain: d.name,
      dkimKeys: ks.filter((k) => k.state !== 'retired').map((k) => ({ selector: k.selector, algorithm: k.algorithm, publicKey: k.publicKey })),
      spfInclude: op.spfInclude,
      egressIps: await egressIpsFor(d.tenantId),
      returnPathHost: op.returnPathHost,
      existingSpf: existing.spf,
      existingDmarc: existing.dmarc,
      existingDmarcName: existing.dmarcName,
      dmarcRua: op.dmarcRua,
    });
    // A retiring key stays published during its overlap; say so instead of "create".
    for (const r of plan.records) {
      const k = ks.find((x) => r.id === `dkim:${x.selector}`);
      if (k?.state === 'retiring') {
        r.required = false;
        r.purpose = `Old DKIM key ${k.selector}, replaced on ${iso(k.retiringSince)}: keep it published until it is retired (7 days), then delete it.`;
      } else if (k?.inDns === true) r.action = 'none';
    }
    return { ...view(d, ks), records: plan.records, operator_records: plan.operatorRecords, notes };
  }

  async function load(id: number, tenantId?: number): Promise<DomainRow> {
    const d = await getDomainRow(store, id, tenantId);
    if (!d) throw new NotFoundError(`domain ${id}`);
    return d;
  }

  /** The check, plus the rule that no egress IPs yet still requires the include. */
  async function runCheck(d: DomainRow, keys: DkimKeyRow[], egressIps: string[]): Promise<DomainCheckResult> {
    const live = keys.filter((k) => k.state !== 'retired');
    const hasActive = live.some((k) => k.state === 'active');
    const result = await checkDomain({
      domain: d.name,
      resolver,
      dkimKeys: live.map((k) => ({
        selector: k.selector,
        algorithm: k.algorithm,
        publicKey: k.publicKey,
        // the key that signs, or the first key of a new domain; a key being rotated in (or
        // an Ed25519 key added next to RSA) is checked but does not hold verification back
        required: k.state === 'active' || (k.state === 'pending' && !hasActive),
      })),
      egressIps,
      spfInclude: op.spfInclude,
      returnPathHost: op.returnPathHost,
      dmarcRua: op.dmarcRua,
      clock,
    });
    const spf = result.records.find((r) => r.id === 'spf');
    if (egressIps.length === 0 && spf && (spf.verdict === 'pass' || spf.verdict === 'warning') && !spf.found.some((t) => hasInclude(t, op.spfInclude))) {
      spf.verdict = 'fail';
      spf.problems = [...spf.problems, 'include-missing'];
      spf.explanation = `Your SPF record does not include Relais. Publish this single SPF record at ${d.name}: ${spf.expected}`;
      result.status = 'failed';
      result.summary = `${d.name} is not verified: spf needs fixing.`;
    }
    return result;
  }

  return {
    operator: op,
    resolver,

    async add(tenantId: number, rawName: unknown, opts: { algorithm?: DkimAlgorithm } = {}): Promise<DomainWithPlan> {
      if (typeof rawName !== 'string') throw new ValidationError('name (string) is required, e.g. {"name": "example.com"}');
      const name = normalizeDomain(rawName);
      const algorithm = opts.algorithm ?? 'rsa-sha256';
      if (algorithm !== 'rsa-sha256' && algorithm !== 'ed25519-sha256') throw new ValidationError('algorithm must be rsa-sha256 or ed25519-sha256');
      const key = await newKey(name.ascii, algorithm);
      const now = clock.now();
      const { domain, key: row } = await insertDomain(store, { tenantId, name: name.ascii, unicodeName: name.unicode, now }, key);
      await auditDomain(store, `tenant:${tenantId}`, 'domain.add', domain, { selector: row.selector }, now);
      return withPlan(domain, [row]);
    },

    async list(tenantId?: number): Promise<DomainView[]> {
      const rows = await listDomainRows(store, tenantId);
      return Promise.all(rows.map(async (d) => view(d, await listKeys(store, d.id))));
    },

    async get(id: number, tenantId?: number): Promise<DomainWithPlan> {
      return withPlan(await load(id, tenantId));
    },

    /**
     * Checks every record, stores the verdicts and the verification state, records what
     * changed, and advances a DKIM rotation (switch once the new key is in DNS, retire after
     * the overlap, publish a new key when the active one is too old).
     */
    async check(id: number, tenantId?: number, opts: { actor?: string; rotateNow?: DkimAlgorithm[] } = {}): Promise<CheckOutcome> {
      const actor = opts.actor ?? (tenantId === undefined ? 'operator' : `tenant:${tenantId}`);
      const d = await load(id, tenantId);
      let keys = await listKeys(store, d.id);
      const result = await runCheck(d, keys, await egressIpsFor(d.tenantId));
      const now = clock.now();

      // What DNS says about each key. A temporary error keeps the previous knowledge, so a
      // key seen missing never signs again just because DNS then failed.
      for (const k of keys) {
        const rec = result.records.find((r) => r.id === `dkim:${k.selector}`);
        if (!rec || rec.verdict === 'temporary-error') continue;
        const inDns = rec.verdict === 'pass' || rec.verdict === 'warning';
        if (inDns !== k.inDns) await updateKey(store, k.id, { inDns, checkedAt: now });
        else await updateKey(store, k.id, { checkedAt: now });
        k.inDns = inDns;
      }

      // Rotation, as decided by the pure policy in auth/dkim-rotation.ts.
      const rotation: string[] = [];
      const asRotation = (k: DkimKeyRow): RotationKey => ({
        selector: k.selector,
        algorithm: k.algorithm,
        state: k.state,
        createdAt: k.createdAt,
        activatedAt: k.activatedAt ?? undefined,
        retiringSince: k.retiringSince ?? undefined,
        inDns: k.inDns,
      });
      const actions = decideRotation({ keys: keys.map(asRotation), now, rotateNow: opts.rotateNow });
      const after = applyRotation(keys.map(asRotation), actions, now);
      for (const k of keys) {
        const a = after.find((x) => x.selector === k.selector)!;
        if (a.state !== k.state) {
          await updateKey(store, k.id, { state: a.state, activatedAt: a.activatedAt ?? null, retiringSince: a.retiringSince ?? null });
          rotation.push(`${k.selector}: ${k.state} → ${a.state}`);
        }
      }
      for (const a of actions) {
        if (a.type !== 'publish-new') continue;
        const key = await newKey(d.name, a.algorithm);
        await insertKey(store, d.id, d.name, key, now);
        rotation.push(`${key.selector}: new ${a.algorithm} key to publish (${a.reason})`);
      }
      if (rotation.length > 0) await auditDomain(store, actor, 'domain.dkim-rotation', d, { steps: rotation }, now);
      keys = await listKeys(store, d.id);

      const prev = d.lastCheck ? (JSON.parse(d.lastCheck) as DomainCheckResult) : undefined;
      const changes = diffDomainChecks(prev, result);
      const allowed = result.status === 'verified' ? true : result.status === 'failed' ? false : undefined;
      let row: DomainRow;
      try {
        row = await recordCheck(store, d, { status: result.status, allowed, lastCheck: JSON.stringify(result), now });
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
        result.status = 'failed';
        result.summary = err.message;
        await recordCheck(store, d, { status: 'failed', allowed: false, lastCheck: JSON.stringify(result), now });
        await auditDomain(store, actor, 'domain.claim-refused', d, {}, now);
        throw err;
      }
      if (changes.length > 0 || prev?.status !== result.status) {
        await auditDomain(store, actor, 'domain.check-changed', d, { from: prev?.status ?? null, to: result.status, changes }, now);
      }
      clearGateCache();
      await refreshSigners(store);
      return { domain: await withPlan(row, keys), check: result, changes, rotation };
    },

    /** Starts a rotation: a new key (pending) to publish; signing switches once a check finds it. */
    async rotate(id: number, tenantId?: number, opts: { algorithm?: DkimAlgorithm; actor?: string } = {}): Promise<DomainWithPlan> {
      const d = await load(id, tenantId);
      const keys = await listKeys(store, d.id);
      const algorithm = opts.algorithm ?? keys.find((k) => k.state === 'active')?.algorithm ?? 'rsa-sha256';
      const pending = keys.find((k) => k.state === 'pending' && k.algorithm === algorithm);
      if (pending) {
        throw new ConflictError(
          `a rotation is already under way: publish the TXT record for selector ${pending.selector} (${dkimRecordName(pending.selector, d.name)}) and run the check; signing switches once it is found.`,
        );
      }
      const now = clock.now();
      const key = await newKey(d.name, algorithm);
      const row = await insertKey(store, d.id, d.name, key, now);
      await auditDomain(store, opts.actor ?? (tenantId === undefined ? 'operator' : `tenant:${tenantId}`), 'domain.rotate-key', d, { selector: row.selector }, now);
      return withPlan(d);
    },

    /** Removes the domain and its keys: sending from it stops, and another account may claim it. */
    async remove(id: number, tenantId?: number, actor?: string): Promise<void> {
      const d = await load(id, tenantId);
      await deleteDomain(store, d, actor ?? (tenantId === undefined ? 'operator' : `tenant:${tenantId}`), clock.now());
      clearGateCache();
      await refreshSigners(store);
    },

    /** Operator override (development): sending allowed without DNS; audit-logged. */
    async verifyByHand(id: number, actor: string, note?: string): Promise<DomainWithPlan> {
      const d = await load(id);
      const row = await markHandVerified(store, d, actor, clock.now(), note);
      clearGateCache();
      return withPlan(row);
    },

    /** The periodic re-check: every domain not checked within `minAgeMs`; errors are counted, not thrown. */
    async recheckAll(minAgeMs = 0): Promise<{ checked: number; changed: number; errors: number }> {
      const out = { checked: 0, changed: 0, errors: 0 };
      const now = clock.now();
      for (const d of await listDomainRows(store)) {
        if (d.checkedAt !== null && now - d.checkedAt < minAgeMs) continue;
        try {
          const r = await this.check(d.id, undefined, { actor: 'periodic-check' });
          out.checked++;
          if (r.changes.length > 0 || r.rotation.length > 0) out.changed++;
        } catch {
          out.errors++;
        }
      }
      return out;
    },
  };
}

export type DomainService = ReturnType<typeof createDomainService>;
