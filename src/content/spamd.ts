// A SpamAssassin second opinion: the spamc protocol (SPAMC/1.5) over TCP to an operator's
// spamd. We send REPORT and parse both the "Spam:" header (score / threshold) and the
// report table, so each rule comes back with its points and description.
import { Socket } from 'node:net';
import { RelaisError } from '../core/errors.ts';

export interface SpamdOptions {
  host: string;
  port: number;
  timeoutMs?: number;
  /** spamc's default: larger messages are not sent (spamd would be slow on them) */
  maxBytes?: number;
  user?: string;
}

export interface SpamdRule {
  name: string;
  score: number;
  description: string;
}

export interface SpamdResult {
  isSpam: boolean;
  score: number;
  threshold: number;
  rules: SpamdRule[];
  report: string;
}

const MAX_RESPONSE = 2 * 1024 * 1024;

/** Parses a full spamd response to REPORT. Exported for tests. */
export function parseSpamdResponse(resp: string): SpamdResult {
  const headEnd = resp.indexOf('\r\n\r\n');
  const head = headEnd < 0 ? resp : resp.slice(0, headEnd);
  const body = headEnd < 0 ? '' : resp.slice(headEnd + 4);
  const status = /^SPAMD\/[\d.]+\s+(\d+)\s+(.*)$/m.exec(head);
  if (!status) throw new RelaisError('spamd_protocol', `spamd answered something else than SPAMD/1.x: ${JSON.stringify(head.slice(0, 80))}`, 502);
  if (status[1] !== '0') throw new RelaisError('spamd_error', `spamd error ${status[1]} ${status[2].trim()}`, 502);
  const spam = /^Spam:\s*(True|False|Yes|No)\s*;\s*(-?[\d.]+)\s*\/\s*(-?[\d.]+)/im.exec(head);
  if (!spam) throw new RelaisError('spamd_protocol', 'spamd response has no Spam: header', 502);
  const rules: SpamdRule[] = [];
  let inTable = false;
  for (const line of body.split(/\r?\n/)) {
    if (/^\s*-{3,}\s+-{3,}/.test(line)) {
      inTable = true;
      continue;
    }
    if (!inTable) continue;
    const m = /^\s*(-?\d+(?:\.\d+)?)\s+([A-Z0-9_]+)\s*(.*)$/.exec(line);
    if (m) rules.push({ name: m[2], score: Number(m[1]), description: m[3].trim() });
    else if (/^\s+\S/.test(line) && rules.length > 0) rules[rules.length - 1].description += ` ${line.trim()}`;
    else if (line.trim() === '' && rules.length > 0) inTable = false;
  }
  return {
    isSpam: /^(true|yes)$/i.test(spam[1]),
    score: Number(spam[2]),
    threshold: Number(spam[3]),
    rules,
    report: body,
  };
}

export function spamdCheck(raw: Buffer | string, opts: SpamdOptions): Promise<SpamdResult> {
  const msg = typeof raw === 'string' ? Buffer.from(raw) : raw;
  const maxBytes = opts.maxBytes ?? 500 * 1024;
  if (msg.length > maxBytes) return Promise.reject(new RelaisError('spamd_too_large', `message is ${msg.length} bytes; spamd check is limited to ${maxBytes}`, 413));
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const sock = new Socket();
    const finish = (err: Error | undefined, result?: SpamdResult) => {
      if (done) return;
      done = true;
      sock.destroy();
      if (err) reject(err);
      else resolve(result!);
    };
    sock.setTimeout(timeoutMs, () => finish(new RelaisError('spamd_timeout', `spamd at ${opts.host}:${opts.port} did not answer within ${timeoutMs} ms`, 504)));
    sock.on('error', (e) => finish(new RelaisError('spamd_unreachable', `spamd at ${opts.host}:${opts.port}: ${e.message}`, 502)));
    sock.on('data', (d: Buffer) => {
      size += d.length;
      if (size > MAX_RESPONSE) return finish(new RelaisError('spamd_protocol', 'spamd response too large', 502));
      chunks.push(d);
    });
    sock.on('end', () => {
      try {
        finish(undefined, parseSpamdResponse(Buffer.concat(chunks).toString('utf8')));
      } catch (e) {
        finish(e as Error);
      }
    });
    sock.connect(opts.port, opts.host, () => {
      const head = `REPORT SPAMC/1.5\r\nContent-length: ${msg.length}\r\n${opts.user ? `User: ${opts.user}\r\n` : ''}\r\n`;
      sock.write(head);
      // spamd reads exactly Content-length bytes; half-closing tells older spamd we are done
      sock.end(msg);
    });
  });
}
