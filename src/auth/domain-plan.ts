// The exact DNS records a tenant publishes for a sending domain, and the operator's side.
// Pure: existing records are passed in (lookupExistingRecords reads them from DNS), so the
// plan can be shown, stored and re-computed without network access.
import type { Resolver } from '../dns/resolver.ts';
import { type DkimAlgorithm, dkimRecordName, dkimRecordStrings, dkimRecordText } from './dkim-keys.ts';
import { isDmarcRecord, starterDmarcRecord } from './dmarc-record.ts';
import { organizationalDomain } from './domain-name.ts';
import { isSpfRecord, mergeSpf, operatorSpfRecord } from './spf-record.ts';
import { splitTxtStrings, zoneFileTxt } from './txt-strings.ts';

export interface PlannedDkimKey {
  selector: string;
  algorithm: DkimAlgorithm;
  publicKey: string;
}

export interface DomainPlanInput {
  /** Normalized (ASCII) sending domain. */
  domain: string;
  dkimKeys: PlannedDkimKey[];
  /** Operator host whose SPF lists the egress IPs, e.g. "_spf.relais.example.net". */
  spfInclude: string;
  /** Egress IPs: used for the operator's record at spfInclude. */
  egressIps?: string[];
  /** Operator bounce host the return-path CNAME points to, e.g. "bounces.relais.example.net". */
  returnPathHost: string;
  /** Label of the return-path subdomain (default "rp": rp.example.com). */
  returnPathLabel?: string;
  /** TXT values currently at the domain (non-SPF ones are ignored). */
  existingSpf?: string[];
  /** TXT values currently at _dmarc.<domain> (or at the organizational domain). */
  existingDmarc?: string[];
  /** Where the existing DMARC record was found (the organizational domain's, for a subdomain). */
  existingDmarcName?: string;
  /** Mailbox for DMARC aggregate reports in the starter record. */
  dmarcRua?: string;
  /** Link/open tracking host (CNAME target) and the tenant label for it (default "track"). */
  trackingHost?: string;
  trackingLabel?: string;
  ttl?: number;
}

export type PlannedRecordId = `dkim:${string}` | 'spf' | 'return-path' | 'dmarc' | 'tracking' | 'operator-spf' | 'dmarc-report-auth';

export interface PlannedRecord {
  id: PlannedRecordId;
  type: 'TXT' | 'CNAME';
  name: string;
  /** The value as one string (what most DNS panels take). */
  value: string;
  /** TXT only: the ≤255-byte strings, for panels and zone files that need them split. */
  strings?: string[];
  /** One line for a BIND zone file. */
  zoneFile: string;
  /** create: add it; replace: change the existing record(s) in `replaces`; none: already right. */
  action: 'create' | 'replace' | 'none';
  replaces?: string[];
  /** Needed before the domain may send (tracking and the DMARC starter are advice). */
  required: boolean;
  purpose: string;
}

function txt(id: PlannedRecordId, name: string, value: string, ttl: number, rest: Omit<PlannedRecord, 'id' | 'type' | 'name' | 'value' | 'strings' | 'zoneFile'>): PlannedRecord {
  const strings = splitTxtStrings(value);
  return { id, type: 'TXT', name, value, strings, zoneFile: `${name}. ${ttl} IN TXT ${zoneFileTxt(strings)}`, ...rest };
}

function cname(id: PlannedRecordId, name: string, target: string, ttl: number, rest: Omit<PlannedRecord, 'id' | 'type' | 'name' | 'value' | 'zoneFile'>): PlannedRecord {
  return { id, type: 'CNAME', name, value: target, zoneFile: `${name}. ${ttl} IN CNAME ${target}.`, ...rest };
}

export function returnPathName(domain: string, label = 'rp'): string {
  return `${label}.${domain}`;
}

export interface DomainPlan {
  domain: string;
  /** What the tenant publishes in the domain's zone. */
  records: PlannedRecord[];
  /** What the operator publishes once (shared by all tenants). */
  operatorRecords: PlannedRecord[];
}

export function planDomainRecords(input: DomainPlanInput): DomainPlan {
  const { domain } = input;
  const ttl = input.ttl ?? 3600;
  const records: PlannedRecord[] = [];
  for (const key of input.dkimKeys) {
    records.push(
      txt(`dkim:${key.selector}`, dkimRecordName(key.selector, domain), dkimRecordText(key), ttl, {
        action: 'create',
        required: true,
        purpose: `DKIM public key (${key.algorithm === 'rsa-sha256' ? 'RSA' : 'Ed25519'}) for selector ${key.selector}: receivers use it to check Relais's signature on your mail.`,
      }),
    );
    // dkimRecordStrings splits exactly like txt(); kept as the single source of truth.
    records[records.length - 1]!.strings = dkimRecordStrings(key);
  }

  const spf = mergeSpf(input.existingSpf ?? [], input.spfInclude);
  records.push(
    txt('spf', domain, spf.record, ttl, {
      action: spf.action,
      replaces: spf.replaces.length > 0 ? spf.replaces : undefined,
      required: true,
      purpose:
        spf.action === 'replace' && spf.replaces.length > 1
          ? `SPF: your domain has ${spf.replaces.length} SPF records, which breaks SPF everywhere. Replace them all with this single record.`
          : spf.action === 'replace'
            ? 'SPF: add Relais to your existing SPF record (edit it; a domain must never have two SPF records).'
            : spf.action === 'none'
              ? 'SPF: your record already includes Relais.'
              : 'SPF: lists the servers allowed to send mail for your domain.',
    }),
  );

  const rp = returnPathName(domain, input.returnPathLabel);
  records.push(
    cname('return-path', rp, input.returnPathHost, ttl, {
      action: 'create',
      required: true,
      purpose: `Return-path (bounce) domain: bounces come back to Relais through ${rp}, and SPF for it aligns with your From domain for DMARC.`,
    }),
  );

  const dmarcNow = (input.existingDmarc ?? []).filter(isDmarcRecord);
  const orgDomain = organizationalDomain(domain);
  if (dmarcNow.length === 0) {
    records.push(
      txt('dmarc', `_dmarc.${domain}`, starterDmarcRecord(input.dmarcRua), ttl, {
        action: 'create',
        required: true,
        purpose:
          'DMARC: Gmail, Yahoo and Microsoft require a DMARC policy for bulk mail. p=none only asks for reports; tighten to quarantine or reject once the reports show all your mail passes.',
      }),
    );
  } else {
    records.push(
      txt('dmarc', input.existingDmarcName ?? `_dmarc.${domain}`, dmarcNow[0]!, ttl, {
        action: 'none',
        required: true,
        purpose: 'DMARC: your domain already publishes a policy; keep it.',
      }),
    );
  }

  if (input.trackingHost) {
    records.push(
      cname('tracking', `${input.trackingLabel ?? 'track'}.${domain}`, input.trackingHost, ttl, {
        action: 'create',
        required: false,
        purpose: 'Link and open tracking on your own domain, so links in your mail point at a name you own.',
      }),
    );
  }

  const operatorRecords: PlannedRecord[] = [];
  if (input.egressIps && input.egressIps.length > 0) {
    operatorRecords.push(
      txt('operator-spf', input.spfInclude, operatorSpfRecord(input.egressIps), ttl, {
        action: 'create',
        required: true,
        purpose: 'Operator: the SPF record tenants include; lists every egress IP.',
      }),
    );
  }
  const rua = input.dmarcRua?.split('@')[1]?.toLowerCase();
  if (rua && dmarcNow.length === 0 && organizationalDomain(rua) !== orgDomain) {
    operatorRecords.push(
      txt('dmarc-report-auth', `${domain}._report._dmarc.${rua}`, 'v=DMARC1', ttl, {
        action: 'create',
        required: false,
        purpose: `Operator: authorises ${rua} to receive DMARC reports for ${domain} (RFC 7489 §7.1); without it receivers drop the reports.`,
      }),
    );
  }
  return { domain, records, operatorRecords };
}

export interface ExistingRecords {
  spf: string[];
  dmarc: string[];
  /** The name the DMARC record was found at. */
  dmarcName?: string;
  /** A lookup failed temporarily: do not plan a "create" over a record that may exist. */
  temporary: boolean;
}

/** Reads the SPF and DMARC records a plan must merge with. */
export async function lookupExistingRecords(domain: string, resolver: Resolver): Promise<ExistingRecords> {
  const [t, d, o] = await Promise.all([
    resolver.txt(domain),
    resolver.txt(`_dmarc.${domain}`),
    organizationalDomain(domain) !== domain ? resolver.txt(`_dmarc.${organizationalDomain(domain)}`) : Promise.resolve(undefined),
  ]);
  const texts = (a: typeof t | undefined) => (a?.status === 'ok' ? a.records.map((r) => r.text) : []);
  const dmarc = texts(d).filter(isDmarcRecord);
  const orgDmarc = texts(o).filter(isDmarcRecord);
  return {
    spf: texts(t).filter(isSpfRecord),
    dmarc: dmarc.length > 0 ? dmarc : orgDmarc,
    dmarcName: dmarc.length > 0 ? `_dmarc.${domain}` : orgDmarc.length > 0 ? `_dmarc.${organizationalDomain(domain)}` : undefined,
    temporary: [t, d, o].some((a) => a?.status === 'temporary'),
  };
}
