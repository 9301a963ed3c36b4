// parseBounce: one entry point for everything that arrives at the bounce domain. RFC 3464
// DSNs, the non-standard notifications real MTAs send (text only, or a text part plus the
// returned message), auto-replies (not bounces) and complaint reports (handled by parseArf).
import { parseArf } from './arf.ts';
import { classifyFailure } from './classify.ts';
import { looksLikeDsnFields, parseDsnFields, type DsnRecipientFields } from './dsn-fields.ts';
import { DEFAULT_LIMITS, decodeWords, header, type MimeLimits, type MimePart, parseHeaderBlock, parseMime, partText, walk } from './mime.ts';
import { addressesIn, cleanAddress, findCommand, type NoticeRecipient, noticeRecipients, splitNotification, transcriptFailures } from './notification-text.ts';
import { POWERMTA_CATEGORIES } from './rules/provider-rules.ts';
import { VACATION_PATTERNS } from './rules/text-rules.ts';
import { parseSesNotification } from './ses-notification.ts';
import type { Reason } from './taxonomy.ts';

export interface BounceRecipient {
  address: string;
  reason: Reason;
  hard: boolean;
  enhanced?: string;
  code?: number;
  /** the remote reply or diagnostic text (trimmed, at most 1000 characters) */
  reply: string;
  remoteMta?: string;
  action?: string;
  command?: string;
}

export type BounceKind = 'dsn' | 'vacation' | 'feedback' | 'not-bounce';

export interface BounceReport {
  isBounce: boolean;
  kind: BounceKind;
  recipients: BounceRecipient[];
  originalMessageId?: string;
  /** headers of the returned original message (first value of each field, decoded) */
  originalHeaders?: Record<string, string>;
  /** for kind=feedback: the ARF Feedback-Type */
  feedbackType?: string;
  /** limits that cut parsing short (size, parts, depth): the result covers what was read */
  truncated?: string[];
  /** a short note on why the message is not a bounce */
  why?: string;
}

const MAX_RECIPIENTS = 500;
const LDA_REJECT = /your message to <[^>\n]{1,256}> was automatically rejected:\s*[^\n]{1,200}/i;

const BOUNCE_FROM = /mailer-daemon|post_?master|mail ?delivery|mail ?administrator|mdaemon|mail-?daemon|bounce|\bnoreply\b.*(?:mail|delivery)|microsoftexchange|\bmaildelivery|post office|nobody@/i;
const BOUNCE_SUBJECT =
  /undeliver|undelivered|delivery (?:status notification|failure|failed|has failed|problem|report|notification)|failure notice|returned mail|mail delivery (?:failed|failure|system)|non[- ]?delivery|could not be delivered|not delivered|delivery (?:to the following|was unsuccessful)|rejected|bounced|mail system error|warning: could not send|message (?:you sent )?(?:blocked|not delivered|delayed)|delayed mail|mail (?:could not|couldn't) be delivered|returned to sender|unzustellbar|nicht zustellbar|non remis|non distribu|échec de (?:la )?remise|error sending message|delivery error|notice of undeliverable|メール|mail failure|permanent error|message status|undelivered message|failed delivery/i;

function firstHeaderMap(headers: { name: string; value: string }[]): Record<string, string> | undefined {
  if (headers.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const h of headers.slice(0, 500)) if (!(h.name in out)) out[h.name] = decodeWords(h.value).slice(0, 4096);
  return out;
}

function textParts(root: MimePart): MimePart[] {
  const out: MimePart[] = [];
  for (const p of walk(root)) {
    if (p.children.length || p.embedded) continue;
    if (p.type === 'text/plain' || p.type === 'text/html' || p.type.startsWith('message/delivery-status') || p.type === 'message/global-delivery-status') {
      if (p.type === 'text/html' && out.some((o) => o.type === 'text/plain')) continue;
      out.push(p);
    }
  }
  return out;
}

function htmlToText(html: string): string {
  return html
    .replace(/<(?:br|\/p|\/div|\/tr|\/li|\/h\d)[^>]*>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function isVacation(root: MimePart, body: string): boolean {
  const subject = decodeWords(header(root.headers, 'subject') ?? '');
  const auto = (header(root.headers, 'auto-submitted') ?? '').toLowerCase();
  const autoHeaders = !!(header(root.headers, 'x-autoreply') || header(root.headers, 'x-autorespond') || /auto[_-]?reply/i.test(header(root.headers, 'precedence') ?? ''));
  const text = `${subject}\n${body.slice(0, 4000)}`;
  const wording = VACATION_PATTERNS.some((v) => new RegExp(v.pattern, 'i').test(text));
  return (auto.startsWith('auto-replied') || autoHeaders || /^(?:auto|automatic reply|autoreply|out of office|abwesend)/i.test(subject)) && wording;
}

function diagText(f: DsnRecipientFields): string {
  return (f.diagnosticCode ?? '').replace(/\s+/g, ' ').trim();
}

/** The notification's text about one address: its block, or the lines that mention it. */
function noticeFor(address: string, notes: NoticeRecipient[], notice: string): string {
  const a = address.toLowerCase();
  const hit = notes.find((n) => n.address.toLowerCase() === a);
  if (hit) return hit.text;
  const lines = notice.split('\n');
  const idx = lines.findIndex((l) => l.toLowerCase().includes(a));
  return idx >= 0 ? lines.slice(idx, idx + 4).join('\n') : '';
}

/** `mx.example.jp (192.0.2.1)`, `[mx.example.jp]` → `mx.example.jp` */
function hostOf(v: string | undefined): string {
  const t = (v ?? '').trim().split(/[\s;]+/)[0] ?? '';
  return t.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

function finish(
  address: string,
  text: string,
  extra: {
    enhanced?: string;
    action?: string;
    remoteMta?: string;
    diagnosticType?: string;
    command?: string;
    code?: number;
    generic?: boolean;
    /** other hosts involved (reporting MTA, the bounce's sender domain) */
    hosts?: string[];
    mtaReason?: Reason;
  },
): BounceRecipient {
  const command = extra.command ?? findCommand(text);
  const hosts = [address.split('@')[1] ?? '', hostOf(extra.remoteMta), ...(extra.hosts ?? [])].filter(Boolean);
  const c = classifyFailure({ text, enhanced: extra.enhanced, action: extra.action, command, diagnosticType: extra.diagnosticType, code: extra.code, hosts, mtaReason: extra.mtaReason });
  // Nothing was said about this recipient in particular: "undefined", not "onhold".
  if (c.reason === 'onhold' && extra.generic) c.reason = 'undefined';
  const r: BounceRecipient = { address, reason: c.reason, hard: c.hard, reply: text.replace(/\s+/g, ' ').trim().slice(0, 1000) };
  if (c.enhanced) r.enhanced = c.enhanced;
  if (c.code !== undefined) r.code = c.code;
  if (extra.remoteMta) r.remoteMta = extra.remoteMta;
  if (extra.action) r.action = extra.action;
  if (command) r.command = command;
  return r;
}

export function parseBounce(raw: Buffer | string, limits: MimeLimits = DEFAULT_LIMITS): BounceReport {
  let parsed: ReturnType<typeof parseMime>;
  try {
    parsed = parseMime(raw, limits);
  } catch (err) {
    return { isBounce: false, kind: 'not-bounce', recipients: [], why: `unparseable: ${(err as Error).message}` };
  }
  const { root, truncated } = parsed;
  const base = truncated.length ? { truncated } : {};

  // Complaints and unsubscribe requests are feedback, not bounces.
  const fb = [...walk(root)].some((p) => p.type === 'message/feedback-report') || root.params['report-type'] === 'feedback-report';
  if (fb || /^true$/i.test(header(root.headers, 'x-apple-unsubscribe') ?? '')) {
    const arf = parseArf(raw);
    const rcpts = arf.originalRecipients.length ? arf.originalRecipients : [''];
    return {
      ...base,
      isBounce: false,
      kind: 'feedback',
      feedbackType: arf.feedbackType,
      recipients: rcpts.slice(0, MAX_RECIPIENTS).map((a) => ({ address: cleanAddress(a), reason: 'feedback' as Reason, hard: false, reply: arf.feedbackType ?? '' })),
      ...(arf.originalMessageId ? { originalMessageId: arf.originalMessageId } : {}),
      ...(arf.originalHeaders ? { originalHeaders: arf.originalHeaders } : {}),
    };
  }

  // Gather human text and DSN fields.
  const parts = textParts(root);
  let dsnFields: ReturnType<typeof parseDsnFields> | undefined;
  const human: string[] = [];
  for (const p of parts) {
    const t = p.type === 'text/html' ? htmlToText(partText(p, limits)) : partText(p, limits);
    if (p.type.includes('delivery-status')) {
      const f = parseDsnFields(t);
      if (f.recipients.length && !dsnFields) dsnFields = f;
      continue;
    }
    if (!dsnFields && looksLikeDsnFields(t)) {
      const f = parseDsnFields(t);
      if (f.recipients.length) dsnFields = f;
    }
    human.push(t);
  }
  const allText = human.join('\n');
  if (!dsnFields && allText.includes('"notificationType"')) {
    const ses = parseSesNotification(allText);
    if (ses) {
      const isBounce = ses.kind === 'dsn' && ses.recipients.some((r) => r.reason !== 'delivered');
      return { ...base, isBounce, kind: ses.kind, recipients: ses.recipients, ...(ses.feedbackType ? { feedbackType: ses.feedbackType } : {}), ...(ses.originalMessageId ? { originalMessageId: ses.originalMessageId } : {}) };
    }
  }
  const { notice, original } = splitNotification(allText);

  // The original message: an attached message/rfc822 or text/rfc822-headers part, else the
  // headers pasted below the notification.
  let origPart: MimePart | undefined;
  for (const p of walk(root)) {
    if (p !== root && p.embedded) {
      origPart = p.embedded;
      break;
    }
  }
  let originalHeaders = firstHeaderMap(origPart?.headers ?? []);
  if (!originalHeaders && original) originalHeaders = firstHeaderMap(parseHeaderBlock(original.split(/\n\s*\n/)[0] ?? '', limits.maxHeaderBytes));
  const originalMessageId = originalHeaders?.['message-id']?.trim();

  const rootFrom = header(root.headers, 'from') ?? '';
  const rootSubject = decodeWords(header(root.headers, 'subject') ?? '');
  const looksBounce =
    !!dsnFields ||
    BOUNCE_FROM.test(rootFrom) ||
    BOUNCE_SUBJECT.test(rootSubject) ||
    !!header(root.headers, 'x-failed-recipients') ||
    /^<>$/.test((header(root.headers, 'return-path') ?? '').trim());

  const autoReplied = /^auto-replied/i.test((header(root.headers, 'auto-submitted') ?? '').trim());
  if (!dsnFields && (isVacation(root, notice) || (autoReplied && !BOUNCE_FROM.test(rootFrom) && !BOUNCE_SUBJECT.test(rootSubject) && !header(root.headers, 'x-failed-recipients')))) {
    const to = addressesIn(header(root.headers, 'from') ?? '')[0] ?? '';
    return { ...base, isBounce: false, kind: 'vacation', recipients: [{ address: to, reason: 'vacation', hard: false, reply: rootSubject }], ...(originalMessageId ? { originalMessageId } : {}), ...(originalHeaders ? { originalHeaders } : {}) };
  }
  if (!looksBounce) {
    return { ...base, isBounce: false, kind: 'not-bounce', recipients: [], why: 'no delivery-status part and no bounce sender or subject' };
  }

  // Addresses that are the bounce's own correspondents, never failed recipients.
  const exclude = new Set<string>();
  for (const h of ['to', 'from', 'return-path', 'reply-to', 'sender']) for (const a of addressesIn(header(root.headers, h) ?? '')) exclude.add(a.toLowerCase());
  for (const h of ['from', 'return-path', 'sender', 'reply-to']) for (const a of addressesIn(originalHeaders?.[h] ?? '')) exclude.add(a.toLowerCase());
  const notes = noticeRecipients(notice, exclude);
  // The reporting side: Reporting-MTA, else the domain the bounce came from.
  const reporters = [hostOf(dsnFields?.reportingMta), (addressesIn(rootFrom)[0] ?? '').split('@')[1] ?? ''].filter(Boolean);
  const recipients: BounceRecipient[] = [];

  if (dsnFields) {
    for (const f of dsnFields.recipients.slice(0, MAX_RECIPIENTS)) {
      const address = cleanAddress(f.finalRecipient || f.originalRecipient || '');
      const fromNotice = noticeFor(address, notes, notice) || (dsnFields.recipients.length === 1 && notes.length <= 1 ? (notes[0]?.text ?? '') : '');
      // A Dovecot LDA / Sieve rejection ("Your message to <u> was automatically rejected: <why>")
      // in the human part is the local delivery agent's own reason: it comes with the remote words.
      const lda = LDA_REJECT.exec(notice)?.[0].replace(/\s+/g, ' ').trim();
      const diag = [diagText(f), lda].filter(Boolean).join(' ');
      // The Diagnostic-Code is the remote's own words; the notification adds context (the
      // command, a local reason) when the code is thin or missing.
      const generic = !diag && (!fromNotice || notes.find((n) => n.address.toLowerCase() === address.toLowerCase())?.generic === true);
      const mtaReason = f.mtaCategory ? POWERMTA_CATEGORIES[f.mtaCategory] : undefined;
      const extra = { generic, hosts: reporters, ...(mtaReason ? { mtaReason } : {}), enhanced: f.status, action: f.action, remoteMta: f.remoteMta, diagnosticType: f.diagnosticType, command: findCommand(diag) ?? findCommand(fromNotice) ?? (dsnFields.recipients.length === 1 ? findCommand(notice) : undefined) };
      let r = finish(address, diag || fromNotice || notice.trim(), extra);
      if (diag && fromNotice && (r.reason === 'onhold' || r.reason === 'undefined')) {
        // The remote's words alone were not enough: add what the notification says.
        r = finish(address, `${diag}\n${fromNotice}`, extra);
      }
      recipients.push(r);
    }
  } else if (transcriptFailures(notice)) {
    // An SMTP session transcript (Postfix "errors from" notices): one failure for every RCPT.
    const t = transcriptFailures(notice);
    for (const a of t?.recipients.slice(0, MAX_RECIPIENTS) ?? []) recipients.push(finish(a, t?.text ?? '', { hosts: reporters, ...(t?.command ? { command: t.command } : {}) }));
  } else {
    let list = notes;
    if (list.length === 0) {
      const failed = header(root.headers, 'x-failed-recipients');
      const fallback = failed ? addressesIn(failed) : addressesIn(originalHeaders?.to ?? '').slice(0, 1);
      list = fallback.map((a) => ({ address: a, text: notice.trim(), generic: true }));
    }
    for (const n of list.slice(0, MAX_RECIPIENTS)) {
      // A block with no code of its own inherits the notice's wording (e.g. "permanent error").
      const text = n.text.trim() ? n.text : notice.trim();
      // Only the notice's boilerplate to go on (no block of its own): "undefined", not "onhold".
      // (the address came from the headers: the notice never mentions it)
      const generic = notes.length === 0;
      const extra = { generic, hosts: reporters, command: findCommand(text) ?? (list.length === 1 ? findCommand(notice) : undefined) };
      let r = finish(n.address, text, extra);
      if ((r.reason === 'onhold' || r.reason === 'undefined') && text !== notice.trim()) {
        // The block under the address said nothing we know: the shared text around it may.
        const wider = finish(n.address, notice.trim(), extra);
        if (wider.reason !== 'onhold' && wider.reason !== 'undefined') r = { ...wider, reply: r.reply };
      }
      recipients.push(r);
    }
  }
  return {
    ...base,
    isBounce: recipients.length > 0,
    kind: recipients.length > 0 ? 'dsn' : 'not-bounce',
    recipients,
    ...(recipients.length === 0 ? { why: 'bounce-like message without a recognisable recipient' } : {}),
    ...(originalMessageId ? { originalMessageId } : {}),
    ...(originalHeaders ? { originalHeaders } : {}),
  };
}
