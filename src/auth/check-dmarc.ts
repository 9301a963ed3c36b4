// DMARC check: one valid record for the From domain (or its organizational domain), and
// Relais's DKIM d= or return-path aligned with the From domain under its adkim/aspf modes.
import type { Resolver } from '../dns/resolver.ts';
import { type RecordCheck, temporaryExplanation } from './check-types.ts';
import { followCnames } from './cname-chain.ts';
import { isDmarcRecord, parseDmarc, starterDmarcRecord } from './dmarc-record.ts';
import { organizationalDomain, relaxedAligned } from './domain-name.ts';
import { displayTxt } from './txt-strings.ts';

export interface DmarcCheckInput {
  domain: string;
  resolver: Resolver;
  /** d= of Relais's DKIM signatures (default: the domain). */
  dkimDomain?: string;
  /** The MAIL FROM (return-path) domain Relais uses. */
  returnPathDomain: string;
  dmarcRua?: string;
}

export async function checkDmarc(input: DmarcCheckInput): Promise<RecordCheck> {
  const { domain, resolver } = input;
  const dkimDomain = input.dkimDomain ?? domain;
  const own = `_dmarc.${domain}`;
  const org = organizationalDomain(domain);
  const starter = starterDmarcRecord(input.dmarcRua);
  const base = { id: 'dmarc', type: 'TXT' as const, required: true };

  let name = own;
  let res = await resolver.txt(own);
  let records = res.status === 'ok' ? res.records.filter((r) => isDmarcRecord(r.text)) : [];
  if (res.status === 'temporary') {
    return { ...base, name, expected: null, found: [], verdict: 'temporary-error', problems: ['temporary'], explanation: temporaryExplanation(own, res.reason) };
  }
  if (records.length === 0 && res.status !== 'ok') {
    const chain = await followCnames(resolver, own);
    if (chain.loop) {
      return {
        ...base,
        name,
        expected: starter,
        found: [`CNAME ${chain.chain.join(' → ')}`],
        verdict: 'fail',
        problems: ['cname-loop'],
        explanation: `${own} is a CNAME loop (${chain.chain.join(' → ')}). Remove it and publish a TXT record at ${own}: ${starter}`,
      };
    }
  }
  if (records.length === 0 && org !== domain) {
    name = `_dmarc.${org}`;
    res = await resolver.txt(name);
    if (res.status === 'temporary') {
      return { ...base, name, expected: null, found: [], verdict: 'temporary-error', problems: ['temporary'], explanation: temporaryExplanation(name, res.reason) };
    }
    records = res.status === 'ok' ? res.records.filter((r) => isDmarcRecord(r.text)) : [];
    if (records.length === 0) name = own;
  }
  const found = records.map((r) => displayTxt(r.text));
  if (records.length === 0) {
    return {
      ...base,
      name,
      expected: starter,
      found,
      verdict: 'fail',
      problems: ['missing'],
      explanation: `${domain} has no DMARC record. Gmail, Yahoo and Microsoft require one for bulk mail. Publish a TXT record at ${own}: ${starter} (p=none only collects reports; move to quarantine or reject once they show all your mail passes).`,
    };
  }
  if (records.length > 1) {
    return {
      ...base,
      name,
      expected: records[0]!.text,
      found,
      verdict: 'fail',
      problems: ['duplicate'],
      explanation: `${name} has ${records.length} DMARC records; receivers then ignore DMARC entirely. Keep exactly one.`,
    };
  }
  const parsed = parseDmarc(records[0]!.text);
  if (!parsed.record) {
    return {
      ...base,
      name,
      expected: starter,
      found,
      verdict: 'fail',
      problems: ['invalid'],
      explanation: `The DMARC record at ${name} is invalid: ${parsed.errors.join('; ')}. A valid starting point is: ${starter}`,
    };
  }
  const d = parsed.record;
  const policy = name === own ? d.p : (d.sp ?? d.p);
  const dkimAligned = d.adkim === 's' ? dkimDomain === domain : relaxedAligned(dkimDomain, domain);
  const spfAligned = d.aspf === 's' ? input.returnPathDomain === domain : relaxedAligned(input.returnPathDomain, domain);
  if (!dkimAligned && !spfAligned) {
    return {
      ...base,
      name,
      expected: null,
      found,
      verdict: 'fail',
      problems: ['misaligned'],
      explanation:
        `DMARC will fail: Relais signs with d=${dkimDomain} and bounces via ${input.returnPathDomain}, and neither ` +
        `${d.adkim === 's' || d.aspf === 's' ? 'matches' : 'shares an organizational domain with'} your From domain ${domain} ` +
        `under the record's adkim=${d.adkim}/aspf=${d.aspf}. Sign with d=${domain} (a DKIM key at ${domain}) or relax alignment (adkim=r).`,
    };
  }
  const notes: string[] = [];
  if (!dkimAligned) notes.push(`DKIM (d=${dkimDomain}) is not aligned under adkim=${d.adkim}, so DMARC rests on SPF alone, which forwarding breaks`);
  if (!spfAligned) notes.push(`SPF (return-path ${input.returnPathDomain}) is not aligned under aspf=${d.aspf}; DMARC still passes through DKIM`);
  if (policy === 'none') notes.push('the policy is p=none: receivers only report, they do not act on failures');
  if (d.pct < 100) notes.push(`pct=${d.pct}: the policy applies to only part of your mail`);
  if (d.rua.length === 0) notes.push('no rua= address: you will get no aggregate reports');
  return {
    ...base,
    name,
    expected: null,
    found,
    verdict: dkimAligned ? 'pass' : 'warning',
    problems: dkimAligned ? [] : ['dkim-misaligned'],
    explanation: `DMARC is valid (p=${policy}) and aligned with ${domain}${notes.length > 0 ? `. Note: ${notes.join('; ')}.` : '.'}`,
  };
}
