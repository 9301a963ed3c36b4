// RFC 3464 message/delivery-status fields: one per-message block, then one block per
// recipient. Real MTAs omit the blank lines, repeat fields, or put the block in a
// text/plain part, so groups are split on the recipient fields rather than on blank lines.
import { parseHeaderBlock } from './mime.ts';

export interface DsnRecipientFields {
  finalRecipient?: string;
  originalRecipient?: string;
  action?: string;
  status?: string;
  diagnosticType?: string;
  diagnosticCode?: string;
  remoteMta?: string;
  lastAttemptDate?: string;
  /** PowerMTA's own classification of the failure (X-PowerMTA-BounceCategory) */
  mtaCategory?: string;
}

export interface DsnFields {
  reportingMta?: string;
  arrivalDate?: string;
  recipients: DsnRecipientFields[];
}

/** `rfc822; <a@b>` → `a@b` (lower-cased domain is left to the caller). */
export function stripAddressType(v: string): string {
  v = v.slice(0, 1024);
  const semi = v.indexOf(';');
  const addr = (semi >= 0 ? v.slice(semi + 1) : v).trim();
  return addr.replace(/^<+|>+$/g, '').replace(/^"|"$/g, '').trim();
}

function stripType(v: string): { type?: string; value: string } {
  const m = /^\s*([A-Za-z][\w-]*)\s*;\s*([\s\S]*)$/.exec(v);
  return m ? { type: m[1].toLowerCase(), value: m[2].trim() } : { value: v.trim() };
}

/** True when a text block looks like DSN fields (used for text/plain parts that carry them). */
export function looksLikeDsnFields(text: string): boolean {
  return /^(?:final|original)-recipient\s*:/im.test(text) && /^(?:status|action)\s*:/im.test(text);
}

export function parseDsnFields(text: string): DsnFields {
  const out: DsnFields = { recipients: [] };
  let cur: DsnRecipientFields | undefined;
  let seen = new Set<string>();
  const hasRcpt = () => !!cur && (cur.finalRecipient !== undefined || cur.originalRecipient !== undefined);
  const start = () => {
    cur = {};
    seen = new Set();
    out.recipients.push(cur);
    return cur;
  };
  // Groups are separated by blank lines; when an MTA leaves those out, a field repeating
  // within the current group starts the next one.
  const blocks = text.split(/\n[ \t]*\n/);
  for (const block of blocks) {
    if (hasRcpt()) cur = undefined;
    for (const h of parseHeaderBlock(block, 256 * 1024)) {
      const v = h.value;
      const perRecipient = ['original-recipient', 'final-recipient', 'action', 'status', 'diagnostic-code', 'remote-mta', 'last-attempt-date'].includes(h.name);
      if (perRecipient && cur && seen.has(h.name) && hasRcpt()) start();
      if (perRecipient) {
        const r = cur ?? start();
        seen.add(h.name);
        switch (h.name) {
          case 'original-recipient':
            r.originalRecipient = stripAddressType(v);
            break;
          case 'final-recipient':
            r.finalRecipient = stripAddressType(v);
            break;
          case 'action':
            r.action = v.toLowerCase().split(/[\s(]/)[0];
            break;
          case 'status':
            r.status = (/\d\.\d{1,3}\.\d{1,3}/.exec(v) ?? [v.trim()])[0];
            break;
          case 'diagnostic-code': {
            const t = stripType(v);
            r.diagnosticType = t.type;
            r.diagnosticCode = t.value;
            break;
          }
          case 'remote-mta':
            r.remoteMta = stripType(v).value;
            break;
          default:
            r.lastAttemptDate = v;
        }
        continue;
      }
      if (h.name === 'x-actual-recipient' && cur && !cur.finalRecipient) cur.finalRecipient = stripAddressType(v);
      else if (h.name === 'x-powermta-bouncecategory' && cur) cur.mtaCategory = v.trim().toLowerCase();
      else if (h.name === 'reporting-mta') out.reportingMta ??= stripType(v).value;
      else if (h.name === 'arrival-date') out.arrivalDate ??= v;
    }
  }
  out.recipients = out.recipients.filter((r) => r.finalRecipient || r.originalRecipient);
  return out;
}
