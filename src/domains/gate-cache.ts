// A short-lived memo of "may tenant T send from domain D", so the send path does not query
// the store for every message. Changes made on this node clear it at once; changes made on
// another node (sharing PostgreSQL) are seen within the TTL.
const entries = new Map<string, { allowed: boolean; until: number }>();
export const GATE_CACHE_TTL_MS = { allowed: 30_000, refused: 2_000 };

export function gateCacheGet(tenantId: number, domain: string, now: number): boolean | undefined {
  const e = entries.get(`${tenantId}|${domain}`);
  return e && e.until > now ? e.allowed : undefined;
}

export function gateCacheSet(tenantId: number, domain: string, allowed: boolean, now: number): void {
  if (entries.size > 10_000) entries.clear();
  entries.set(`${tenantId}|${domain}`, { allowed, until: now + (allowed ? GATE_CACHE_TTL_MS.allowed : GATE_CACHE_TTL_MS.refused) });
}

export function clearGateCache(): void {
  entries.clear();
}
