// DKIM check for one selector: the published key is exactly ours. Diagnoses the usual ways
// a 2048-bit key goes wrong in DNS panels: cut at 255 characters, quotes stored literally,
// an old or foreign key, a revoked (empty) key, CNAME loops.
import type { Resolver } from '../dns/resolver.ts';
import { type RecordCheck, temporaryExplanation } from './check-types.ts';
import { followCnames } from './cname-chain.ts';
import { type DkimAlgorithm, dkimRecordName, dkimRecordStrings, dkimRecordText } from './dkim-keys.ts';
import { displayTxt, zoneFileTxt } from './txt-strings.ts';

export interface DkimCheckInput {
  /** The d= domain (normally the sending domain). */
  domain: string;
  resolver: Resolver;
  key: { selector: string; algorithm: DkimAlgorithm; publicKey: string };
  required?: boolean;
}

export function parseDkimTags(text: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) tags.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  return tags;
}

const looksLikeDkim = (t: string) => /^\s*v\s*=\s*DKIM1\b/i.test(t) || /(^|;)\s*p\s*=/i.test(t);

export async function checkDkim({ domain, resolver, key, required = true }: DkimCheckInput): Promise<RecordCheck> {
  const name = dkimRecordName(key.selector, domain);
  const expected = dkimRecordText(key);
  const base = { id: `dkim:${key.selector}`, type: 'TXT' as const, name, required, expected };
  const publish = ` Publish a TXT record at ${name} with the value: ${expected} (if your DNS provider asks for strings of at most 255 characters: ${zoneFileTxt(dkimRecordStrings(key))}).`;
  const res = await resolver.txt(name);
  if (res.status === 'temporary') {
    return { ...base, found: [], verdict: 'temporary-error', problems: ['temporary'], explanation: temporaryExplanation(name, res.reason) };
  }
  if (res.status !== 'ok') {
    const chain = await followCnames(resolver, name);
    if (chain.loop) {
      return {
        ...base,
        found: [`CNAME ${chain.chain.join(' → ')}`],
        verdict: 'fail',
        problems: ['cname-loop'],
        explanation: `${name} is a CNAME loop (${chain.chain.join(' → ')}), so no key can be found. Remove the CNAME.${publish}`,
      };
    }
    if (chain.temporary) {
      return { ...base, found: [], verdict: 'temporary-error', problems: ['temporary'], explanation: temporaryExplanation(name, chain.temporary) };
    }
    return { ...base, found: [], verdict: 'fail', problems: ['missing'], explanation: `No DKIM key is published for selector ${key.selector}.${publish}` };
  }
  const found = res.records.slice(0, 20).map((r) => displayTxt(r.strings.length > 1 ? zoneFileTxt(r.strings) : r.text));
  const dkim = res.records.filter((r) => looksLikeDkim(r.text));
  if (dkim.length === 0) {
    return { ...base, found, verdict: 'fail', problems: ['not-dkim'], explanation: `${name} holds TXT data that is not a DKIM key.${publish}` };
  }
  if (dkim.length > 1) {
    return {
      ...base,
      found,
      verdict: 'fail',
      problems: ['duplicate'],
      explanation: `${name} holds ${dkim.length} DKIM records; receivers pick one at random and fail when it is the wrong one. Keep only ours.${publish}`,
    };
  }
  const rec = dkim[0]!;
  const tags = parseDkimTags(rec.text);
  const p = (tags.get('p') ?? '').replace(/\s+/g, '');
  const k = (tags.get('k') ?? 'rsa').toLowerCase();
  const wantK = key.algorithm === 'rsa-sha256' ? 'rsa' : 'ed25519';
  const fail = (code: string, text: string): RecordCheck => ({ ...base, found, verdict: 'fail', problems: [code], explanation: text + publish });

  if (rec.text.includes('"')) {
    return fail('quoted', `The record contains quote characters: your DNS panel stored the quotes as part of the value. Enter the value without quotes.`);
  }
  if (tags.has('v') && tags.get('v') !== 'DKIM1') return fail('invalid', `The record has v=${tags.get('v')}; it must be v=DKIM1 (or leave v= out).`);
  if (p === '') return fail('revoked', `The key at selector ${key.selector} is empty (p=), which means "revoked".`);
  if (k !== wantK) return fail('wrong-algorithm', `The record says k=${k} but this selector's key is ${wantK}.`);
  if (p !== key.publicKey) {
    if (key.publicKey.startsWith(p)) {
      return fail(
        'truncated',
        `The key is cut off after ${p.length} of ${key.publicKey.length} characters. DNS panels that accept only 255 characters per string truncate 2048-bit keys; publish the value as several strings.`,
      );
    }
    return fail('wrong-key', `A different key is published at selector ${key.selector} (perhaps an old one, or another service's). Replace it.`);
  }
  if ((tags.get('t') ?? '').split(':').some((f) => f.trim() === 'y')) {
    return {
      ...base,
      found,
      verdict: 'warning',
      problems: ['testing'],
      explanation: 'The key matches, but t=y marks the domain as testing DKIM: receivers may ignore failures and some ignore the signature. Remove t=y.',
    };
  }
  return {
    ...base,
    found,
    verdict: 'pass',
    problems: [],
    explanation: `The DKIM key for selector ${key.selector} matches${rec.strings.length > 1 ? ` (published as ${rec.strings.length} strings, which is fine)` : ''}.`,
  };
}
