// Shapes shared by the content checker: what goes in, what comes out, and the normalised
// message every rule looks at (so rules never care whether input was MIME or parts).

export type Stream = 'transactional' | 'marketing';
export type Lang = 'en' | 'nl' | 'de' | 'fr' | 'es' | 'it';
export const LANGS: readonly Lang[] = ['en', 'nl', 'de', 'fr', 'es', 'it'];

export interface AttachmentInfo {
  filename: string;
  contentType: string;
  size: number;
  /** present when the attachment came from raw MIME; lets us look inside archives */
  content?: Buffer;
}

export interface RawContentInput {
  raw: Buffer | string;
  stream?: Stream;
}

export interface PartsContentInput {
  subject?: string;
  text?: string;
  html?: string;
  from?: string;
  replyTo?: string;
  headers?: Record<string, string>;
  stream?: Stream;
  attachments?: AttachmentInfo[];
}

export type ContentInput = RawContentInput | PartsContentInput;

export type Part = 'subject' | 'text' | 'html' | 'headers' | 'attachments' | 'message';

export type Category =
  | 'money'
  | 'free'
  | 'urgency'
  | 'overpromise'
  | 'phishing'
  | 'spam_phrase'
  | 'call_to_action'
  | 'health'
  | 'formatting'
  | 'html'
  | 'links'
  | 'headers'
  | 'mime'
  | 'attachments'
  | 'compliance'
  | 'blocklist';

export interface Hit {
  rule: string;
  category: Category;
  points: number;
  part: Part;
  /** character offset into that part's text (HTML: into the HTML source); -1 when not positional */
  offset: number;
  matched: string;
  /** why it matters, in the report language */
  description: string;
  /** wording suggestions in the message's language (empty for structural rules) */
  replacements: string[];
}

export interface ContentReport {
  /** SpamAssassin-like points; >= threshold means likely spam */
  score: number;
  threshold: number;
  /** 0..10 for people, 10 = clean (mail-tester style: 10 minus points) */
  rating: number;
  verdict: 'ok' | 'review' | 'likely_spam';
  language: Lang;
  languageConfidence: number;
  hits: Hit[];
  /** one line per fix, in the message's language, biggest first */
  advice: string[];
  /** lookups that failed (DNS refusal, spamd down...): never counted as hits */
  errors: string[];
  stats: {
    textChars: number;
    htmlBytes: number;
    links: number;
    images: number;
    rawBytes: number;
    elapsedMs: number;
  };
}

export interface BlocklistZone {
  /** e.g. dbl.spamhaus.org */
  zone: string;
  kind: 'dbl' | 'surbl' | 'uribl';
}

export interface ContentCheckOptions {
  /** force the language instead of detecting it */
  language?: Lang;
  /** transactional or marketing; overrides input.stream */
  stream?: Stream;
  /** A-record lookup used for domain blocklists; absent = no blocklist lookups. null = NXDOMAIN */
  dnsLookupA?: (name: string) => Promise<string[] | null>;
  blocklists?: BlocklistZone[];
  /** per-lookup timeout (default 2000 ms) */
  dnsTimeoutMs?: number;
  /** at most this many link domains are looked up (default 20) */
  maxDomainLookups?: number;
  /** raw messages larger than this are refused with an error (default 40 MB) */
  maxRawBytes?: number;
  threshold?: number;
}

/** The normalised message every rule looks at. */
export interface Message {
  subject: string | undefined;
  text: string | undefined;
  html: string | undefined;
  from: string | undefined;
  replyTo: string | undefined;
  /** lower-cased header names; absent when the input had no headers at all (parts input) */
  headers: Map<string, string>;
  /** true when we saw a complete header block (raw MIME): only then are missing headers a fault */
  fullHeaders: boolean;
  attachments: AttachmentInfo[];
  stream: Stream | undefined;
  rawBytes: number;
  /** structural MIME problems found while parsing */
  mimeIssues: { rule: string; detail: string }[];
}
