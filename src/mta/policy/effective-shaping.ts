// Shaping as it applies right now: the resolved site shaping with the active automation
// adjustments folded in. Adjustments only ever tighten (the slower rate, the smaller limit),
// so a rule can never make Relais faster than the operator allowed.
import type { AutomationRecord } from './automation-engine.ts';
import { parseRate, type Rate, slowerRate } from './duration.ts';
import type { Shaping } from './shaping.ts';

export interface EffectiveShaping extends Shaping {
  /** no deliveries on this egress IP -> site before this instant (epoch ms) */
  suspendedUntil?: number;
  /** transient failures bounce instead of deferring until this instant */
  bounceUntil?: number;
  /** the rules currently tightening this path */
  adjustedBy: string[];
}

// Records keep rates as text (they are stored); parse each distinct text once.
const parsedRates = new Map<string, Rate>();
function rate(text: string): Rate {
  let r = parsedRates.get(text);
  if (!r) {
    r = parseRate(text);
    if (parsedRates.size < 1000) parsedRates.set(text, r);
  }
  return r;
}

/**
 * Folds IP -> site adjustments into `base`. Tenant suspensions do not change a path's
 * shaping (other tenants keep flowing); ask AutomationEngine.tenantSuspendedUntil per message.
 * Records already expired at `now` are ignored.
 */
export function effectiveShaping(base: Shaping, adjustments: readonly AutomationRecord[], now?: number): EffectiveShaping {
  const out: EffectiveShaping = { ...base, adjustedBy: [] };
  for (const a of adjustments) {
    if (now !== undefined && a.until <= now) continue;
    const act = a.action;
    switch (act.kind) {
      case 'suspend-site-for-ip':
        out.suspendedUntil = Math.max(out.suspendedUntil ?? 0, a.until);
        break;
      case 'bounce':
        out.bounceUntil = Math.max(out.bounceUntil ?? 0, a.until);
        break;
      case 'reduce-rate':
        if (act.messageRate) out.messageRate = slowerRate(out.messageRate, rate(act.messageRate))!;
        if (act.connectionRate) out.connectionRate = slowerRate(out.connectionRate, rate(act.connectionRate))!;
        break;
      case 'reduce-connections':
        if (act.maxConnections !== undefined) out.maxConnections = Math.min(out.maxConnections, act.maxConnections);
        if (act.maxMessagesPerConnection !== undefined) {
          out.maxMessagesPerConnection = Math.min(out.maxMessagesPerConnection, act.maxMessagesPerConnection);
        }
        break;
      case 'suspend-tenant':
        continue;
    }
    if (!out.adjustedBy.includes(a.rule)) out.adjustedBy.push(a.rule);
  }
  return out;
}
