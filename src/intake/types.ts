import type { BodyFacts } from '../auth/body-facts.ts';
// What flows through the intake pipeline: one Draft per message, filled in step by step.
import type { Config } from '../core/config.ts';
import type { Stream } from '../core/events.ts';
import type { Store } from '../store/database.ts';
import type { SpoolBatch } from '../store/spool-repo.ts';
import type { Spool } from '../spool/spool.ts';
import type { MailjetError } from './mailjet/errors.ts';
import type { MessageOptions, NormalizedMessage } from './mailjet/types.ts';

export type RecipientKind = 'to' | 'cc' | 'bcc';

export interface DraftRecipient {
  email: string;
  kind: RecipientKind;
  id: number;
  uuid: string;
  /** set by the suppression step: why this recipient is not sent */
  suppressed?: { reason: string; detail?: string };
}

export interface Draft {
  tenantId: number;
  source: 'api' | 'smtp';
  stream: Stream;
  sandbox: boolean;
  /** API: the validated message; SMTP: undefined */
  message?: NormalizedMessage;
  options: MessageOptions;
  /** SMTP: the client's raw message (control headers stripped); API: built by build-mime */
  raw?: Buffer;
  envelopeFrom: string;
  fromAddress: string;
  subject: string | null;
  recipients: DraftRecipient[];
  messageIdHeader?: string;
  /**
   * Domain of the VERP return path (MAIL FROM): `rp.<From domain>` once that CNAME is
   * verified, so SPF aligns with the From domain for DMARC; else the platform's bounce domain.
   */
  returnPathDomain?: string;
  warnings: string[];
  /** raw's DKIM body hash and line facts, when a step computed them (content-gate) */
  bodyFacts?: BodyFacts;
  /** filled by the spool step */
  batch?: SpoolBatch;
}

/** A step refuses a message by throwing this; the message's siblings go on. */
export class IntakeRejection extends Error {
  readonly errors: MailjetError[];
  /** SMTP reply for the same refusal */
  readonly smtp: { code: number; enhanced: string; text: string };
  constructor(errors: MailjetError[], smtp: { code: number; enhanced: string; text: string }) {
    super(errors.map((e) => e.ErrorMessage).join('; '));
    this.errors = errors;
    this.smtp = smtp;
  }
}

export interface SuppressionCheck {
  /** reason when this tenant must not mail this address on this stream, else null */
  check(tenantId: number, address: string, stream: Stream): Promise<{ reason: string } | null>;
  /** the same for many addresses in one round trip (optional) */
  checkMany?(tenantId: number, addresses: string[], stream: Stream): Promise<Map<string, { reason: string }>>;
}

export interface IntakeContext {
  store: Store;
  config: Config;
  spool: Spool;
  suppression: SuppressionCheck;
  /** HMAC key for VERP return paths */
  verpKey: Buffer;
  extraSteps?: { before: string; step: IntakeStep }[];
}

export interface IntakeStep {
  name: string;
  run(d: Draft, ctx: IntakeContext): Promise<void> | void;
  /**
   * Optional: handle all drafts of a request at once (one query for 50 messages instead of
   * 50). Drafts are independent, so this must leave each as `run` would.
   */
  runBatch?(drafts: Draft[], ctx: IntakeContext): Promise<void>;
}
