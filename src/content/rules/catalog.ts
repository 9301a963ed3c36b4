// Structural rules: id → category and points. Points are on SpamAssassin's scale (5.0 =
// likely spam) and start from SpamAssassin's published scores for the same idea where one
// exists (deliverability.md §6.1: SUBJ_ALL_CAPS 0.5, MIME_HTML_ONLY 0.1, MPART_ALT_DIFF
// ~0.7-2.2, HTML_IMAGE_ONLY up to 2.8, MISSING_DATE ~1.4, MISSING_MID ~0.5), raised where
// a pre-send checker should nudge harder (a missing text part is cheap to fix).
import type { Category } from '../types.ts';

export interface RuleDef {
  category: Category;
  points: number;
}

export const RULES = {
  SUBJ_ALL_CAPS: { category: 'formatting', points: 1.3 },
  SUBJ_EXCLAIM: { category: 'formatting', points: 1.1 },
  SUBJ_MONEY_SIGNS: { category: 'formatting', points: 1.2 },
  SUBJ_DECORATED: { category: 'formatting', points: 0.9 },
  SUBJ_MISSING: { category: 'headers', points: 0.5 },
  SUBJ_TRAILING_ID: { category: 'formatting', points: 2.0 },
  BODY_CAPS_50: { category: 'formatting', points: 0.8 },
  BODY_CAPS_75: { category: 'formatting', points: 1.6 },
  BODY_CAPS_WORDS: { category: 'formatting', points: 1.3 },
  BODY_EXCLAIM: { category: 'formatting', points: 1.1 },
  BODY_MONEY_SIGNS: { category: 'formatting', points: 1.0 },
  BODY_BIG_MONEY: { category: 'money', points: 0.4 },
  TRIGGER_SHOUTED: { category: 'formatting', points: 0.3 },
  OBFUSCATED_WORD: { category: 'formatting', points: 0.6 },
  MIXED_SCRIPT_WORD: { category: 'formatting', points: 1.5 },
  RCPT_ADDR_SHOWN: { category: 'headers', points: 1.0 },
  EMPTY_MESSAGE: { category: 'mime', points: 1.8 },
  MIME_HTML_ONLY: { category: 'html', points: 1.0 },
  MPART_ALT_DIFF: { category: 'html', points: 0.4 },
  HTML_IMAGE_ONLY: { category: 'html', points: 2.3 },
  HTML_IMAGE_RATIO: { category: 'html', points: 0.8 },
  HTML_HIDDEN_TEXT: { category: 'html', points: 0.6 },
  HTML_SCRIPT: { category: 'html', points: 0.9 },
  HTML_FORM: { category: 'html', points: 0.2 },
  HTML_EMBED: { category: 'html', points: 0.2 },
  HTML_LARGE: { category: 'html', points: 0.5 },
  LINK_TEXT_MISMATCH: { category: 'links', points: 0.3 },
  URL_SHORTENER: { category: 'links', points: 1.2 },
  URL_RAW_IP: { category: 'links', points: 2.1 },
  URL_USERINFO: { category: 'links', points: 2.3 },
  URL_OBFUSCATED: { category: 'links', points: 2.0 },
  URL_MANY: { category: 'links', points: 0.1 },
  UNSUB_LINK_MISSING: { category: 'compliance', points: 1.5 },
  HTML_NO_UNSUB: { category: 'compliance', points: 1.3 },
  LIST_UNSUB_MISSING: { category: 'compliance', points: 1.0 },
  FROM_REPLYTO_DIFF: { category: 'headers', points: 0.1 },
  FROM_DISPLAY_ADDR: { category: 'headers', points: 1.5 },
  MISSING_FROM: { category: 'headers', points: 1.0 },
  MISSING_DATE: { category: 'headers', points: 1.0 },
  MISSING_MID: { category: 'headers', points: 0.5 },
  MSGID_MALFORMED: { category: 'headers', points: 1.5 },
  DATE_MALFORMED: { category: 'headers', points: 1.8 },
  TO_NO_ADDRESS: { category: 'headers', points: 1.6 },
  XMAILER_FORGED: { category: 'headers', points: 2.3 },
  FROM_NAME_CAPS: { category: 'headers', points: 1.0 },
  FROM_NUMBERED: { category: 'headers', points: 0.8 },
  MIME_BASE64_TEXT: { category: 'mime', points: 1.6 },
  HTML_COMMENT_SPLIT: { category: 'html', points: 1.8 },
  PRIORITY_HIGH: { category: 'headers', points: 1.2 },
  MIME_MALFORMED: { category: 'mime', points: 1.0 },
  MIME_UNKNOWN_CHARSET: { category: 'mime', points: 0.9 },
  MIME_DEEP_NESTING: { category: 'mime', points: 1.5 },
  MESSAGE_LARGE: { category: 'mime', points: 1.0 },
  ATTACH_DANGEROUS: { category: 'attachments', points: 3.0 },
  ATTACH_ARCHIVE_DANGEROUS: { category: 'attachments', points: 3.0 },
  ATTACH_ZIP_BOMB: { category: 'attachments', points: 3.0 },
  URIBL_DBL: { category: 'blocklist', points: 2.5 },
  URIBL_SURBL: { category: 'blocklist', points: 1.5 },
  URIBL_URIBL: { category: 'blocklist', points: 1.7 },
} as const satisfies Record<string, RuleDef>;

export type RuleId = keyof typeof RULES;
