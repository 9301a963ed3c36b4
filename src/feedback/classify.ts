// Maps one failure (an SMTP reply during delivery, or a recipient of a DSN) to the taxonomy.
// Order of evidence: the reply text's phrase families (rules/text-rules.ts), then the
// enhanced status code (rules/status-rules.ts), then what is left (delayed action, the SMTP
// command that failed). Text first because one code covers many causes (5.7.1, 5.0.0).
import { HOST_RULES, type HostRule, PROVIDER_CODES, type ProviderCodeTable } from './rules/provider-rules.ts';
import { statusReason } from './rules/status-rules.ts';
import { TEXT_RULES, type TextRule } from './rules/text-rules.ts';
import { isHard, type Reason } from './taxonomy.ts';

export interface ReplyInput {
  code?: number;
  enhanced?: string;
  text: string;
}

export interface FailureInput extends ReplyInput {
  /** DSN Action (failed, delayed, delivered, ...) */
  action?: string;
  /** SMTP command the failure answered: CONN, HELO, EHLO, MAIL, RCPT, DATA */
  command?: string;
  /** DSN Diagnostic-Code type: smtp, x-unix, ... */
  diagnosticType?: string;
  /**
   * Host names involved: the recipient's domain, the remote MTA, the reporting MTA. Some
   * providers' wording means something particular (rules/provider-rules.ts HOST_RULES).
   */
  hosts?: string[];
  /** a reason the reporting MTA itself assigned (e.g. PowerMTA's bounce category) */
  mtaReason?: Reason;
}

export interface Classification {
  reason: Reason;
  hard: boolean;
  enhanced?: string;
  code?: number;
  /** what decided: `text:<reason>#<n>`, `status:<code>`, or `fallback:<why>` (for audits) */
  basis: string;
}

const COMPILED: { rule: TextRule; re: RegExp; index: number }[] = TEXT_RULES.map((rule, index) => ({
  rule,
  re: new RegExp(rule.pattern, 'i'),
  index,
}));

const ENHANCED_RE = /(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d]|\.\d)/;
const REPLY_CODE_RES = [
  /^\s*(?:[a-z0-9.-]+;\s*)?([245]\d\d)(?=[\s-]|$)/i,
  /(?:said|says|returned|replied|response|reply|answer|error|<<<|\]:|\):|smtp;|failed:|reason:|code:)\s*:?\s*\(?([245]\d\d)(?=[\s-]|\)|$)/i,
  /(?<![\d.])([245]\d\d)[\s-]+[245]\.\d{1,3}\.\d{1,3}/,
];

/** Lower-cases, drops the repeated `550-5.7.1` prefixes of multi-line replies, collapses space. */
export function normaliseReplyText(text: string): string {
  return text
    // Continuation lines of a multi-line reply repeat the code ("550-...", last one "550 ...").
    .replace(/\n[ \t]*[245]\d\d[ -](?:[245]\.\d{1,3}\.\d{1,3}[ \t]+)?/g, '\n')
    // Mailbox names say nothing about the failure (and test corpora use names like
    // "userunknown@..."): keep only the shape.
    .replace(/(?<![^\s<>()"',;:[\]])[^\s<>()"',;:[\]@]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}/g, 'someone@somewhere')
    .replace(/^[ \t]*[245]\d\d-(?:[245]\.\d{1,3}\.\d{1,3}[ \t]+)?/gm, '')
    // Folded multi-line replies repeat "550 5.7.1" mid-sentence once joined.
    .replace(/(\S)\s+[245]\d\d[ -][245]\.\d{1,3}\.\d{1,3}(?=\s)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

export function findEnhanced(text: string): string | undefined {
  const m = ENHANCED_RE.exec(text);
  return m ? `${m[1]}.${Number(m[2])}.${Number(m[3])}` : undefined;
}

export function findReplyCode(text: string): number | undefined {
  for (const re of REPLY_CODE_RES) {
    const m = re.exec(text);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** The first text rule matching `normalised` text, if any (in data order). */
export function matchTextRule(normalised: string): { rule: TextRule; index: number } | undefined {
  for (const c of COMPILED) if (c.re.test(normalised)) return { rule: c.rule, index: c.index };
  return undefined;
}

/** Index of the first rule of `reason` that matches, or -1. */
function textIndex(reason: Reason, text: string): number {
  if (!text) return -1;
  for (const c of COMPILED) if (c.rule.reason === reason && c.re.test(text)) return c.index;
  return -1;
}

function explicitIndex(reason: Reason, text: string): number {
  if (!text) return -1;
  for (const c of COMPILED) if (c.rule.reason === reason && c.rule.explicit && c.re.test(text)) return c.index;
  return -1;
}

/** Placeholder and catch-all codes carry no reason of their own. */
function isSpecific(enhanced: string | undefined): enhanced is string {
  return !!enhanced && !/^\d\.0\.0$/.test(enhanced);
}

/**
 * First pass: reasons whose evidence is strong enough to override a status code, in this
 * order. Each is chosen when its status code or one of its phrase families matches (see
 * `probe` for the two that depend on the SMTP command).
 */
export const FIRST_PASS: Reason[] = [
  'suppressed', 'mailboxfull', 'emailtoolarge', 'suspend', 'hasmoved', 'norelaying', 'authfailure', 'userunknown',
  'filtered', 'requireptr', 'notcompliantrfc', 'badreputation', 'contenterror', 'rejected', 'hostunknown',
  'spamdetected', 'ratelimited', 'blocked',
];

/** Second pass, after a status code that names a definite reason: the remaining families. */
export const SECOND_PASS: Reason[] = [
  'mailboxfull', 'authfailure', 'badreputation', 'ratelimited', 'spamdetected', 'virusdetected', 'policyviolation',
  'norelaying', 'notaccept', 'networkerror', 'expired', 'systemerror', 'suspend', 'contenterror', 'systemfull',
  'failedstarttls', 'securityerror', 'suppressed', 'syntaxerror', 'mailererror',
];

/** Status-derived reasons too vague to stop at: the text gets a second look first. */
const VAGUE = new Set<Reason>(['undefined', 'onhold', 'systemerror', 'securityerror', 'expired', 'networkerror', 'hostunknown', 'userunknown']);

/** The sending host or IP itself is what is refused (checked before spam wording). */
const SENDER_HOST_BLOCKED = /(?:client host|sending host|source ip|(?:your |sender |sending |source )?ip(?: address)?|host \[?[\d.]+\]?)[^.]{0,40}(?:blocked|bloquee|banned|blacklisted|listed|refused)/;

/** Commands before DATA: a rejection there cannot be about the content. */
const BEFORE_DATA = new Set(['CONN', 'HELO', 'EHLO', 'MAIL', 'RCPT']);

function probe(reason: Reason, statusR: Reason | undefined, text: string, command: string | undefined): number | 'status' | false {
  if (reason === 'userunknown') {
    if (statusR === 'userunknown') {
      // A 5.1.1 whose words say the mailbox is full, moved, or the sender was refused.
      for (const other of ['blocked', 'mailboxfull', 'hasmoved', 'rejected', 'notaccept', 'authfailure', 'filtered'] as Reason[]) if (textIndex(other, text) >= 0) return false;
      return 'status';
    }
    // "User unknown" after DATA is a content filter speaking, not the directory, unless the
    // wording is explicit about the mailbox not existing.
    const x = explicitIndex('userunknown', text);
    if (x >= 0) return x;
    const i = textIndex('userunknown', text);
    if (i < 0) return false;
    if (command === 'RCPT') return i;
    // Without the command, trust the words unless the status code names another reason.
    return false;
  }
  if (reason === 'filtered') {
    const i = Math.max(textIndex('filtered', text), textIndex('userunknown', text));
    if (statusR === 'filtered') return i >= 0 ? i : false;
    if (explicitIndex('userunknown', text) >= 0) return false;
    if (statusR && !VAGUE.has(statusR)) return false;
    if (command && BEFORE_DATA.has(command)) return textIndex('filtered', text) >= 0 ? textIndex('filtered', text) : false;
    return i >= 0 ? i : false;
  }
  if (reason === 'hostunknown') {
    // "Host not found, try again" is a DNS hiccup; "no mail exchanger" is a null-MX style refusal.
    if (textIndex('notaccept', text) >= 0) return false;
    if (textIndex('networkerror', text) >= 0 && statusR !== 'hostunknown') return false;
  }
  if (reason === 'spamdetected' && SENDER_HOST_BLOCKED.test(text)) {
    // "Client host blocked for spamming": the remedy is about the sending IP, not content.
    return false;
  }
  if (statusR === reason && !VAGUE.has(reason)) return 'status';
  const i = textIndex(reason, text);
  if (i >= 0) return i;
  if (statusR === reason) return 'status';
  return false;
}

const CODE_TABLES: { table: ProviderCodeTable; re: RegExp }[] = PROVIDER_CODES.map((table) => ({ table, re: new RegExp(table.label, 'i') }));
const HOST_COMPILED: { rule: HostRule; re?: RegExp; status?: RegExp; index: number }[] = HOST_RULES.map((rule, index) => ({
  rule,
  index,
  ...(rule.pattern ? { re: new RegExp(rule.pattern, 'i') } : {}),
  ...(rule.status ? { status: new RegExp(rule.status) } : {}),
}));

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
const HOST_MENTION = new Map<string, RegExp>();

/** True when one of `suffixes` is one of `hosts` (or a parent domain of one), or is named in the text. */
export function hostInvolved(suffixes: string[] | undefined, hosts: string[], text: string): boolean {
  if (!suffixes || suffixes.length === 0) return true;
  for (const s of suffixes) {
    for (const h of hosts) if (h === s || h.endsWith(`.${s}`)) return true;
    let re = HOST_MENTION.get(s);
    if (!re) {
      re = new RegExp(`(?<![a-z0-9-])${escapeRe(s)}(?![a-z0-9-])`);
      HOST_MENTION.set(s, re);
    }
    if (re.test(text)) return true;
  }
  return false;
}

/** The provider's own documented code in the reply (Cox AUP#, Spectrum AUP#, GoDaddy IB, Orange OFR/LPN). */
export function providerCodeReason(text: string, hosts: string[] = []): { reason: Reason; basis: string } | undefined {
  for (const { table, re } of CODE_TABLES) {
    const m = re.exec(text);
    if (!m) continue;
    if (!hostInvolved(table.hosts, hosts, text)) continue;
    const code = m[1].toUpperCase();
    for (const c of table.codes) {
      const want = c.code.toUpperCase();
      const hit = c.to
        ? /^\d+$/.test(code) && Number(code) >= Number(c.code) && Number(code) <= Number(c.to)
        : want.endsWith('*')
          ? code.startsWith(want.slice(0, -1))
          : want === code;
      if (hit) return { reason: c.reason, basis: `provider:${table.provider}:${code}` };
    }
  }
  return undefined;
}

function hostRuleReason(text: string, enhanced: string | undefined, command: string | undefined, hosts: string[], fallback: boolean): { reason: Reason; basis: string } | undefined {
  for (const c of HOST_COMPILED) {
    if (!!c.rule.fallbackOnly !== fallback) continue;
    if (c.re && !c.re.test(text)) continue;
    if (c.status && !(enhanced && c.status.test(enhanced))) continue;
    if (c.rule.command && !(command && c.rule.command.includes(command))) continue;
    if (!hostInvolved(c.rule.hosts, hosts, text)) continue;
    return { reason: c.rule.reason, basis: `host:${c.rule.provider}#${c.index}` };
  }
  return undefined;
}

export function classifyFailure(input: FailureInput): Classification {
  const raw = (input.text ?? '').slice(0, 8192);
  const text = normaliseReplyText(raw);
  let enhanced = input.enhanced && /^[245]\.\d{1,3}\.\d{1,3}$/.test(input.enhanced) ? input.enhanced : undefined;
  const inText = findEnhanced(raw);
  // A DSN's Status is often a generic X.0.0 while the remote reply carried the real code.
  if (inText && (!enhanced || (!isSpecific(enhanced) && inText[0] === enhanced[0]))) enhanced = inText;
  const code = input.code ?? findReplyCode(raw);
  const action = input.action?.toLowerCase();
  const command = input.command?.toUpperCase();
  const done = (reason: Reason, basis: string): Classification => ({
    reason,
    hard: isHard(reason, code, enhanced),
    ...(enhanced ? { enhanced } : {}),
    ...(code !== undefined ? { code } : {}),
    basis,
  });

  if (enhanced?.startsWith('2.') || action === 'delivered' || action === 'relayed' || action === 'expanded') {
    return done('delivered', 'status:success');
  }
  if (input.mtaReason) return done(input.mtaReason, 'mta:category');
  const hosts = (input.hosts ?? []).map((h) => h.toLowerCase().replace(/\.$/, '')).filter(Boolean);
  const coded = providerCodeReason(text, hosts);
  if (coded) return done(coded.reason, coded.basis);
  const byHost = hostRuleReason(text, enhanced, command, hosts, false);
  if (byHost) return done(byHost.reason, byHost.basis);
  const statusRule = isSpecific(enhanced) ? statusReason(enhanced) : undefined;
  const statusR = statusRule?.reason;
  if (input.diagnosticType && /^x-unix/i.test(input.diagnosticType)) {
    // A local delivery program's own words: only a full mailbox is worth telling apart.
    if (textIndex('mailboxfull', text) >= 0) return done('mailboxfull', 'text:x-unix');
    return done('mailererror', 'fallback:x-unix');
  }
  for (const r of FIRST_PASS) {
    const p = probe(r, statusR, text, command);
    if (p !== false) return done(r, p === 'status' ? `status:${statusRule?.status}` : `text:${r}#${p}`);
  }
  if (statusR && !VAGUE.has(statusR)) return done(statusR, `status:${statusRule?.status}`);
  for (const r of SECOND_PASS) {
    const i = textIndex(r, text);
    if (i >= 0) return done(r, `text:${r}#${i}`);
  }
  if (statusR) return done(statusR, `status:${statusRule?.status}`);
  if (enhanced && /^[45]\.6\./.test(enhanced)) return done('contenterror', 'status:X.6');
  if (enhanced && /^[45]\.7\./.test(enhanced)) return done('securityerror', 'status:X.7');
  if (action === 'delayed' || action === 'expired') return done('expired', 'fallback:delayed');
  // 500-504: the remote did not understand a command.
  if (code !== undefined && code >= 500 && code <= 504 && !enhanced) return done('syntaxerror', 'fallback:5xx-syntax');
  if (command === 'HELO' || command === 'EHLO' || command === 'CONN') return done('blocked', `fallback:${command}`);
  if (command === 'MAIL') return done('rejected', 'fallback:MAIL');
  const late = hostRuleReason(text, enhanced, command, hosts, true);
  if (late) return done(late.reason, late.basis);
  if (text) return done('onhold', 'fallback:unmatched');
  return done('undefined', 'fallback:empty');
}

/**
 * Classifies a synchronous SMTP reply during delivery (the MTA calls this for every 4xx/5xx).
 * Pass `command` (RCPT, DATA, MAIL, EHLO, CONN) when known: "user unknown" at RCPT is a
 * missing mailbox, after DATA it is a filter. Pass `hosts` (the MX host answering and the
 * recipient's domain) when known: some providers' replies are read by who sent them.
 * `hard` tells the MTA to stop trying this recipient for good and suppress it.
 */
export function classifyReply(reply: ReplyInput & { command?: string; hosts?: string[] }): { reason: Reason; hard: boolean; enhanced?: string; code?: number } {
  const c = classifyFailure(reply);
  const out: { reason: Reason; hard: boolean; enhanced?: string; code?: number } = { reason: c.reason, hard: c.hard };
  if (c.enhanced) out.enhanced = c.enhanced;
  if (c.code !== undefined) out.code = c.code;
  return out;
}
