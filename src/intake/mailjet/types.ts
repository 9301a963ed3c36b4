// The normalized form of one Send API message (and of an SMTP submission's control headers):
// what the pipeline after validation works with. camelCase, every default filled in, every
// address ASCII (IDN domains in punycode), attachments still base64 (validated) so that the
// MIME builder can emit them without a decode/encode round trip.

export type TrackSetting = 'account_default' | 'disabled' | 'enabled';

export interface Address {
  /** ASCII address; an IDN domain is already converted to punycode. */
  email: string;
  name?: string;
}

export interface Attachment {
  contentType: string;
  filename: string;
  /** Validated base64, whitespace removed. */
  base64: string;
  /** Decoded size in bytes. */
  size: number;
  /** For InlinedAttachments: the cid (without <>), defaulting to Filename as Mailjet does. */
  contentId?: string;
}

/** The options that both the Send API and SMTP control headers (X-MJ-*) can set. */
export interface MessageOptions {
  customId?: string;
  eventPayload?: string;
  customCampaign?: string;
  deduplicateCampaign?: boolean;
  templateId?: number;
  templateLanguage?: boolean;
  templateErrorReporting?: Address;
  templateErrorDeliver?: boolean;
  variables?: Record<string, unknown>;
  trackOpens?: TrackSetting;
  trackClicks?: TrackSetting;
  priority?: number;
  monitoringCategory?: string;
  urlTags?: string;
}

export interface NormalizedMessage {
  /** Absent only when TemplateID is given (the stored template supplies it). */
  from?: Address;
  sender?: Address;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  replyTo?: Address;
  subject?: string;
  textPart?: string;
  htmlPart?: string;
  templateId?: number;
  templateLanguage: boolean;
  templateErrorReporting?: Address;
  /** Mailjet default false: a template error blocks the message. */
  templateErrorDeliver: boolean;
  variables: Record<string, unknown>;
  attachments: Attachment[];
  inlinedAttachments: Attachment[];
  priority?: number;
  customCampaign?: string;
  deduplicateCampaign: boolean;
  trackOpens: TrackSetting;
  trackClicks: TrackSetting;
  /** '' when not given: Mailjet echoes "CustomID": "" in the response. */
  customId: string;
  eventPayload?: string;
  monitoringCategory?: string;
  urlTags?: string;
  /** Custom headers as given (names as written), already checked for injection and the forbidden list. */
  headers: Record<string, string>;
}
