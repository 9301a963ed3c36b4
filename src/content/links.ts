// Link helpers: URLs in plain text, host names, registrable domains and known URL
// shorteners. Shorteners hide the destination, which filters treat as a phishing signal.

/** Well-known public shorteners (data: extend freely). */
export const URL_SHORTENERS = new Set([
  'bit.ly', 'bitly.com', 'tinyurl.com', 't.co', 'goo.gl', 'ow.ly', 'is.gd', 'buff.ly', 'rebrand.ly', 'cutt.ly',
  'shorturl.at', 'tiny.cc', 'rb.gy', 't.ly', 'v.gd', 'bl.ink', 'short.io', 'tr.im', 'x.co', 'lnkd.in', 'soo.gd',
  's.id', 'clck.ru', 'qr.ae', 'adf.ly', 'shorte.st', 'bc.vc', 'po.st', 'snip.ly', 'u.to', 'tinyurl.at',
]);

/** Second-level labels under which registrations happen (co.uk, com.au...). */
const SECOND_LEVEL = new Set(['co', 'com', 'net', 'org', 'gov', 'ac', 'edu', 'or', 'ne', 'go', 'ltd', 'plc', 'me', 'nom', 'gv', 'sch', 'mil']);

const URL_IN_TEXT = /\b(?:https?:\/\/|www\.)[^\s<>"'()[\]{}]+/gi;

export interface TextUrl {
  url: string;
  offset: number;
}

export function urlsInText(text: string, max = 2000): TextUrl[] {
  const out: TextUrl[] = [];
  URL_IN_TEXT.lastIndex = 0;
  for (let m = URL_IN_TEXT.exec(text); m !== null && out.length < max; m = URL_IN_TEXT.exec(text)) {
    out.push({ url: m[0].replace(/[.,;:!?]+$/, ''), offset: m.index });
  }
  return out;
}

export interface UrlInfo {
  host: string;
  /** host is a literal IPv4/IPv6 address */
  ip: boolean;
  /** user@ part present before the host (http://bank.com@evil.example/) */
  userinfo: boolean;
  scheme: string;
  /**
   * the host is written to hide what it is: percent-encoded characters, or an IP address
   * as one number, in hex or with octal zeros (http://3232235777/, http://0x7f.0.0.1/)
   */
  obfuscatedHost: boolean;
}

/** Host and scheme of an absolute or www. URL; undefined for mailto:, relative or unparsable links. */
export function urlInfo(href: string): UrlInfo | undefined {
  let h = href.trim();
  if (/^www\./i.test(h)) h = `http://${h}`;
  if (!/^https?:\/\//i.test(h)) return undefined;
  let u: URL;
  try {
    u = new URL(h);
  } catch {
    return undefined;
  }
  const host = u.hostname.toLowerCase().replace(/\.$/, '');
  const ip = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[');
  const rawHost = /^[a-z]+:\/\/(?:[^/?#]*@)?([^/?#:]*)/i.exec(h)?.[1] ?? '';
  const obfuscatedHost = rawHost.includes('%') || (ip && rawHost !== host && !rawHost.startsWith('['));
  return { host, ip, userinfo: u.username !== '' || u.password !== '', scheme: u.protocol.slice(0, -1), obfuscatedHost };
}

/** example.co.uk for www.shop.example.co.uk; approximation of the public-suffix rule. */
export function registrableDomain(host: string): string {
  const labels = host.split('.').filter(Boolean);
  if (labels.length <= 2) return labels.join('.');
  const n = labels.length;
  if (labels[n - 1].length === 2 && SECOND_LEVEL.has(labels[n - 2])) return labels.slice(n - 3).join('.');
  return labels.slice(n - 2).join('.');
}

/** A domain-looking token in link text: "www.bank.com", "https://bank.com/login", "bank.com". */
export function domainInText(text: string): string | undefined {
  const m = /(?:https?:\/\/)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})(?:[/:?#]|\s|$)/i.exec(text.trim());
  if (!m) return undefined;
  const d = m[1].toLowerCase();
  // "e.g." style abbreviations and file names are not domains
  if (/\.(png|jpe?g|gif|pdf|html?|php|aspx?)$/.test(d)) return undefined;
  return d;
}
