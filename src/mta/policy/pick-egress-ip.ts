// Weighted choice of an egress IP within a pool: the seam the reputation issue drives.
// Weights come from the caller (reputation scores, warm-up ratios); this only draws.

export interface EgressCandidate {
  ip: string;
  /** relative share of traffic; 0 or less = not eligible */
  weight: number;
  /** messages this IP may still send under its warm-up plan; 0 or less = not eligible */
  warmupBudgetLeft?: number | undefined;
}

/**
 * Draws one candidate with probability proportional to its weight, skipping IPs with no
 * weight or an exhausted warm-up budget. `rng` returns [0, 1) (Math.random in production,
 * a seeded generator in tests). Undefined when no candidate is eligible: the caller holds
 * the message instead of falling back to an IP outside the pool.
 */
export function pickEgressIp<T extends EgressCandidate>(candidates: readonly T[], rng: () => number = Math.random): T | undefined {
  let total = 0;
  for (const c of candidates) if (eligible(c)) total += c.weight;
  if (total <= 0) return undefined;
  let x = rng() * total;
  let last: T | undefined;
  for (const c of candidates) {
    if (!eligible(c)) continue;
    last = c;
    x -= c.weight;
    if (x < 0) return c;
  }
  return last; // rng() * total rounded up to total: the last eligible one
}

function eligible(c: EgressCandidate): boolean {
  return c.weight > 0 && Number.isFinite(c.weight) && (c.warmupBudgetLeft === undefined || c.warmupBudgetLeft > 0);
}
