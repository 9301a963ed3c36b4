// Reading the human-written part of a bounce: where the notification ends and the copy of
// the original message starts, which addresses it reports on, and the error text for each.
// Used for the many MTAs that send no message/delivery-status part (qmail, Exim, Gmail,
// Yahoo, GMX, ...) and to add the command and reply text to DSNs whose Diagnostic-Code is
// thin. Generic families of wording, not per-MTA templates.

/** Lines that start the returned copy of the original message. */
const ORIGINAL_MARKERS = [
  /^[ \t]*[-=_*]{2,}[ \t]*(?:the )?(?:original|returned|unsent|undelivered|rejected|failed) (?:message|mail|e-?mail)/im,
  /^[ \t]*[-=_*]{2,}.{0,20}(?:below this line is a copy|this is a copy of|copy of (?:the |your )?(?:original )?message|header(?:s)? of (?:the )?original|original message (?:header|follows))/im,
  /^[ \t]*(?:message headers follow|original message (?:headers )?follows?|the original message (?:headers? )?(?:follows|(?:is|are|was|were) (?:attached|included|below|as follows))|---+ ?original message ?---+|(?:unsent|returned) message follows|your message reads|the (?:original )?(?:e-?mail|message) (?:headers? )?(?:was|were|is|are) (?:attached|below|as follows))/im,
  /^[ \t]*[-=]{2,} ?(?:the )?(?:header|headers) (?:of|from) /im,
  /^[ \t]*-{3,} ?(?:message|headers) (?:text|follow)/im,
];

const MESSAGE_HEADER_NAMES =
  /^(?:return-path|received|message-id|from|subject|date|dkim-signature|mime-version|x-mailer|to|cc|reply-to|content-type|x-[\w-]+|delivered-to|authentication-results|arc-[\w-]+):(?:[ \t]|(?=[<\w]))/i;

/** Index where a run of >= 3 message-header lines starts (the pasted original), or -1. */
function headerRunStart(text: string): number {
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    if (MESSAGE_HEADER_NAMES.test(lines[i])) {
      let run = 0;
      let names = 0;
      for (let j = i; j < lines.length && j < i + 12; j++) {
        if (MESSAGE_HEADER_NAMES.test(lines[j])) {
          names++;
          run++;
        } else if (/^[ \t]+\S/.test(lines[j]) || /^[\w-]+:[ \t]/.test(lines[j])) run++;
        else break;
      }
      if (names >= 3 && run >= 3) return offset;
    }
    offset += lines[i].length + 1;
  }
  return -1;
}

/** Splits a notification into the bounce text proper and the returned original (if pasted). */
export function splitNotification(text: string): { notice: string; original?: string } {
  let cut = -1;
  for (const re of ORIGINAL_MARKERS) {
    const m = re.exec(text);
    if (m && (cut < 0 || m.index < cut)) cut = m.index;
  }
  const run = headerRunStart(text);
  if (run >= 0 && (cut < 0 || run < cut)) cut = run;
  if (cut < 0) return { notice: text };
  // Skip the marker line itself for the original.
  const rest = text.slice(cut);
  const afterMarker = run === cut ? rest : rest.slice(rest.indexOf('\n') + 1).replace(/^\s*\n/, '');
  return { notice: text.slice(0, cut), original: afterMarker };
}

// Quantifiers are bounded (RFC 5321 lengths) so a long run of address characters costs
// linear time, not quadratic backtracking.
const ADDRESS_RE = /(?<![A-Za-z0-9!#$%&'*+/=?^_`{|}~.-])[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?){1,8}(?![A-Za-z0-9-])/g;

export function cleanAddress(a: string): string {
  let s = a.slice(0, 512).trim().replace(/^(?:rfc822;|mailto:)/i, '').replace(/^[<("'[]+|[>)"'\].,;:]+$/g, '');
  const at = s.lastIndexOf('@');
  if (at > 0) s = s.slice(0, at + 1) + s.slice(at + 1).toLowerCase();
  return s;
}

export function addressesIn(text: string): string[] {
  return (text.match(ADDRESS_RE) ?? []).map(cleanAddress);
}

/** Mailbox names that are never the failed recipient. */
const SYSTEM_LOCALPART = /^(?:mailer-daemon|postmaster|double-bounce|no-?reply|noreply|bounce[s]?|mail-daemon|mdaemon)$|^[/|]/i;

/** Message-ID-like values (quoted headers of a returned or forwarded message) are not recipients. */
const ID_HEADER_LINE = /^[>\s]*(?:message-id|references|in-reply-to|content-id|resent-message-id)[ \t]*:/i;

export interface NoticeRecipient {
  address: string;
  /** the text the notification gives about this recipient */
  text: string;
  /** true when the text is the whole notice, not something said about this recipient */
  generic?: boolean;
}

/** A line that names one recipient and maybe the error: `<a@b>:`, `  a@b`, `a@b: host said ...`. */
const RECIPIENT_LINE = /^[ \t]{0,40}(?:[*\-•][ \t]+)?(?:(?:failed |final |original |bad |invalid |unknown )?(?:recipient|address|addressee|to|rcpt(?: to)?|destinataire|empfänger)s?(?:\(s\))?[ \t]*:[ \t]*)?<?((?:"[^"]+"|[^\s<>@"():;,]+)@[A-Za-z0-9.-]+\.[A-Za-z]{2,})(?!\.?[A-Za-z0-9-])>?[ \t]*(?:\(.*?\))?[ \t]*(?:(?:[:.]|\.\.\.|(?=\[))[ \t]*(.*)|[ \t]+(?=\S.*\b[45]\d\d\b)(.*))?$/i;

/**
 * Finds the reported recipients in a notification. Addresses standing on their own line start
 * a recipient block (qmail, Exim, Gmail, Postfix-without-DSN, sendmail v5...); otherwise any
 * address mentioned that is not the sender or a system mailbox.
 */
export function noticeRecipients(notice: string, exclude: Set<string>): NoticeRecipient[] {
  const lines = notice.split('\n');
  const starts: { line: number; address: string; rest: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = RECIPIENT_LINE.exec(lines[i]);
    if (!m) continue;
    const address = cleanAddress(m[1]);
    if (exclude.has(address.toLowerCase()) || SYSTEM_LOCALPART.test(address.split('@')[0])) continue;
    starts.push({ line: i, address, rest: m[2] ?? m[3] ?? '' });
  }
  const out: NoticeRecipient[] = [];
  const seen = new Map<string, NoticeRecipient>();
  if (starts.length > 0) {
    for (let k = 0; k < starts.length; k++) {
      const s = starts[k];
      const end = k + 1 < starts.length ? starts[k + 1].line : lines.length;
      let body = lines.slice(s.line + 1, end).join('\n');
      // Nothing under the address (e.g. a list of addresses, then one shared error): use the
      // text after the list.
      if (!body.trim() && !s.rest.trim()) body = lines.slice(end).join('\n');
      const text = `${s.rest}\n${body}`.trim();
      const prev = seen.get(s.address.toLowerCase());
      if (prev) {
        prev.text += `\n${text}`;
        continue;
      }
      const r = { address: s.address, text };
      seen.set(s.address.toLowerCase(), r);
      out.push(r);
    }
    // Text before the first address often carries the shared reason ("This is a permanent
    // error", Gmail's "Technical details of permanent failure").
    return out;
  }
  const ids = new Set<string>();
  for (const l of lines) if (ID_HEADER_LINE.test(l)) for (const a of addressesIn(l)) ids.add(a.toLowerCase());
  for (const a of addressesIn(notice)) {
    const key = a.toLowerCase();
    if (exclude.has(key) || seen.has(key) || ids.has(key) || SYSTEM_LOCALPART.test(a.split('@')[0])) continue;
    const r: NoticeRecipient = { address: a, text: notice.trim(), generic: true };
    seen.set(key, r);
    out.push(r);
  }
  if (out.length > 1) {
    // Several addresses mentioned inline: give each the lines around its own mention.
    for (const r of out) {
      const idx = lines.findIndex((l) => l.toLowerCase().includes(r.address.toLowerCase()));
      if (idx >= 0) {
        r.text = lines.slice(idx, idx + 4).join('\n');
        r.generic = false;
      }
    }
  }
  return out;
}

/** The SMTP command a failure answered, from the usual MTA wordings. */
export function findCommand(text: string): string | undefined {
  const t = text.toLowerCase();
  const m =
    /(?:in reply to|after|did not like our|response to|while sending|during|on|for|most progress was) (?:the )?(rcpt to|rcpt|mail from|mail|end of data|final data|data|helo|ehlo|initial connection|connect|greeting|banner)\b/.exec(
      t,
    ) ?? /(?:>>>|--->)\s*(rcpt|mail|data|helo|ehlo)\b/.exec(t) ?? /does not like (recipient)/.exec(t) ?? /\[(rcpt_to|mail_from|data|helo|ehlo)\]/.exec(t);
  if (!m) return undefined;
  const w = m[1];
  if (w.startsWith('rcpt') || w === 'recipient') return 'RCPT';
  if (w.startsWith('mail')) return 'MAIL';
  if (w.includes('data')) return 'DATA';
  if (w === 'helo') return 'HELO';
  if (w === 'ehlo') return 'EHLO';
  return 'CONN';
}

/**
 * Postfix's "errors from <client>" notice to the postmaster is a transcript of the SMTP
 * session (" In:  RCPT TO:<a@b>", " Out: 451 4.3.0 Error: queue file write error"). The
 * recipients are the RCPT TO addresses; the failure is the first 4xx/5xx the server sent,
 * answering the command before it. Returns nothing when the text is not such a transcript.
 */
export function transcriptFailures(notice: string): { recipients: string[]; text: string; command?: string } | undefined {
  if (!/^[ \t]*In:[ \t]+\S/m.test(notice) || !/^[ \t]*Out:[ \t]+[2-5]\d\d/m.test(notice)) return undefined;
  const recipients: string[] = [];
  let lastCommand: string | undefined;
  let failure: { text: string; command?: string } | undefined;
  for (const line of notice.split('\n').slice(0, 2000)) {
    const inM = /^[ \t]*In:[ \t]+([A-Za-z]+)(.*)$/.exec(line);
    if (inM) {
      const verb = inM[1].toUpperCase();
      lastCommand = verb === 'RCPT' ? 'RCPT' : verb === 'MAIL' ? 'MAIL' : verb === 'DATA' || verb === 'BDAT' ? 'DATA' : verb === 'EHLO' || verb === 'HELO' ? verb : lastCommand;
      if (verb === 'RCPT') {
        const a = addressesIn(inM[2])[0];
        if (a && !recipients.includes(a)) recipients.push(a);
      }
      continue;
    }
    const outM = /^[ \t]*Out:[ \t]+([45]\d\d[ -].*)$/.exec(line);
    if (outM && !failure) failure = { text: outM[1].trim(), ...(lastCommand ? { command: lastCommand } : {}) };
  }
  if (!failure || recipients.length === 0) return undefined;
  return { recipients, ...failure };
}
