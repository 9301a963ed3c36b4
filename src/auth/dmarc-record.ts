// DMARC (RFC 7489) records: parsing with plain-English errors, and the starter record we
// suggest when a domain has none (p=none with aggregate reports: Gmail and Yahoo require a
// published policy for bulk senders; p=none is allowed).

export type DmarcPolicy = 'none' | 'quarantine' | 'reject';

export interface DmarcRecord {
  p: DmarcPolicy;
  sp?: DmarcPolicy;
  adkim: 'r' | 's';
  aspf: 'r' | 's';
  pct: number;
  rua: string[];
  ruf: string[];
}

export function isDmarcRecord(text: string): boolean {
  return /^v\s*=\s*DMARC1\s*(;|$)/i.test(text.trim());
}

const POLICIES = ['none', 'quarantine', 'reject'];

export function parseDmarc(text: string): { record?: DmarcRecord; errors: string[] } {
  const errors: string[] = [];
  if (/[^\x20-\x7e]/.test(text)) errors.push('the record contains characters that are not printable ASCII');
  const tags = new Map<string, string>();
  const parts = text
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean);
  parts.forEach((part, i) => {
    const eq = part.indexOf('=');
    if (eq <= 0) {
      errors.push(`"${part.slice(0, 40)}" is not a tag=value pair`);
      return;
    }
    const k = part.slice(0, eq).trim().toLowerCase();
    const v = part.slice(eq + 1).trim();
    if (i === 0 && k !== 'v') errors.push('the record must start with v=DMARC1');
    if (tags.has(k)) errors.push(`the tag ${k}= appears twice`);
    tags.set(k, v);
  });
  if (tags.get('v') !== 'DMARC1') errors.push('v= must be exactly "DMARC1"');
  const p = tags.get('p')?.toLowerCase();
  if (p === undefined) errors.push('the required policy tag p= is missing (p=none, p=quarantine or p=reject)');
  else if (!POLICIES.includes(p)) errors.push(`p=${p} is not a policy (none, quarantine or reject)`);
  const sp = tags.get('sp')?.toLowerCase();
  if (sp !== undefined && !POLICIES.includes(sp)) errors.push(`sp=${sp} is not a policy (none, quarantine or reject)`);
  for (const k of ['adkim', 'aspf']) {
    const v = tags.get(k)?.toLowerCase();
    if (v !== undefined && v !== 'r' && v !== 's') errors.push(`${k}=${v} must be r (relaxed) or s (strict)`);
  }
  const pctRaw = tags.get('pct');
  const pct = pctRaw === undefined ? 100 : Number(pctRaw);
  if (!Number.isInteger(pct) || pct < 0 || pct > 100) errors.push(`pct=${pctRaw} must be a whole number from 0 to 100`);
  const uris = (k: string): string[] => {
    const v = tags.get(k);
    if (!v) return [];
    const list = v.split(',').map((u) => u.trim());
    for (const u of list) if (!/^mailto:[^@\s]+@[^@\s]+$/i.test(u.replace(/!\d+[kmgt]?$/i, ''))) errors.push(`${k}= entry "${u.slice(0, 60)}" is not a mailto: address`);
    return list;
  };
  const rua = uris('rua');
  const ruf = uris('ruf');
  if (errors.length > 0) return { errors };
  return {
    record: {
      p: p as DmarcPolicy,
      sp: sp as DmarcPolicy | undefined,
      adkim: (tags.get('adkim')?.toLowerCase() ?? 'r') as 'r' | 's',
      aspf: (tags.get('aspf')?.toLowerCase() ?? 'r') as 'r' | 's',
      pct,
      rua,
      ruf,
    },
    errors,
  };
}

export function starterDmarcRecord(ruaAddress?: string): string {
  return ruaAddress ? `v=DMARC1; p=none; rua=mailto:${ruaAddress}` : 'v=DMARC1; p=none';
}
