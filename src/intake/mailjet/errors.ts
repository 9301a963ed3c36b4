// Mailjet Send API v3.1 error objects: the exact shape and codes its clients parse
// (ErrorIdentifier, ErrorCode, StatusCode, ErrorMessage, ErrorRelatedTo). Codes, statuses and
// the messages quoted from real responses follow Mailjet's published table (esp-anchors §3.5);
// where Mailjet publishes no wording we write our own in the same style.
import { randomUUID } from 'node:crypto';

export interface MailjetError {
  ErrorIdentifier: string;
  ErrorCode: string;
  StatusCode: number;
  ErrorMessage: string;
  ErrorRelatedTo: string[];
}

/** HTTP status Mailjet uses for each code (the body is always 400/401/403 JSON). */
export const MAILJET_ERROR_STATUS: Readonly<Record<string, number>> = {
  'send-0003': 400, // none of HTMLPart/TextPart/TemplateID
  'send-0004': 400, // HTMLPart and a template with an HTML part
  'send-0006': 403, // key may not use Sender
  'send-0007': 403, // Sender not validated
  'send-0008': 403, // From not authorised
  'send-0010': 400, // template not owned by the key (or unknown)
  'send-0011': 400, // forbidden header in Headers
  'send-0012': 400, // DeduplicateCampaign without CustomCampaign
  'send-0013': 400, // unknown MonitoringCategory
  'send-0015': 400, // too many recipients
  'send-0016': 400, // TemplateErrorReporting/Deliver without TemplateLanguage
  'mj-0001': 401, // key suspended
  'mj-0002': 400, // malformed JSON / payload shape
  'mj-0003': 400, // mandatory property missing or null
  'mj-0004': 400, // type mismatch
  'mj-0005': 400, // value not allowed
  'mj-0006': 400, // too long
  'mj-0007': 400, // empty array not allowed
  'mj-0008': 400, // array too long (max 50)
  'mj-0011': 400, // payload too large
  'mj-0012': 400, // empty string
  'mj-0013': 400, // invalid email
  'mj-0015': 401, // bad credentials
};

export function mailjetError(code: string, message: string, relatedTo: string[] = []): MailjetError {
  return {
    ErrorIdentifier: randomUUID(),
    ErrorCode: code,
    StatusCode: MAILJET_ERROR_STATUS[code] ?? 400,
    ErrorMessage: message,
    ErrorRelatedTo: relatedTo,
  };
}

/** Mailjet's global error for a body that is not JSON (the lead's parser calls this). */
export function malformedJsonError(): Omit<MailjetError, 'ErrorRelatedTo'> {
  const e = mailjetError('mj-0002', 'Malformed JSON, please review the syntax and properties types.');
  return { ErrorIdentifier: e.ErrorIdentifier, ErrorCode: e.ErrorCode, ErrorMessage: e.ErrorMessage, StatusCode: e.StatusCode };
}

// Constructors for the errors only the caller can detect (they need the store). Same wording
// everywhere so that the API and SMTP report them alike.
export const storeErrors = {
  senderNotAllowed: () =>
    mailjetError('send-0006', 'The API key is not allowed to use the "Sender" property.', ['SenderID']),
  senderNotValidated: () => mailjetError('send-0007', 'The "Sender" address is not validated.', ['SenderID']),
  fromNotAuthorized: (email: string) =>
    mailjetError(
      'send-0008',
      `"${email}" is not an authorized sender email address for your account.`,
      ['From'],
    ),
  templateNotFound: (id: number) =>
    mailjetError('send-0010', `Template ${id} does not exist or is not owned by this API key.`, ['TemplateID']),
  unknownMonitoringCategory: (name: string) =>
    mailjetError('send-0013', `MonitoringCategory "${name}" does not exist.`, ['MonitoringCategory']),
  keySuspended: () => mailjetError('mj-0001', 'The API key is suspended.'),
  badCredentials: () => mailjetError('mj-0015', 'API key authentication/authorization failure.'),
};
