// Mailjet Send API v3.1-compatible intake: validation, template language, SMTP control headers.
export { type AddressCheck, headerInjectionSafe, validateAddress } from './address.ts';
export { MAILJET_ERROR_STATUS, type MailjetError, mailjetError, malformedJsonError, storeErrors } from './errors.ts';
export { FORBIDDEN_HEADERS, type ForbiddenHeader, isForbiddenHeader } from './forbidden-headers.ts';
export { applyTemplate, type RenderMessageResult, renderMessage, type StoredTemplate } from './render-message.ts';
export {
  decodeMimeWords,
  extractMailjetSmtpHeaders,
  headerFields,
  isMailjetControlHeader,
  MAILJET_SMTP_HEADERS,
  type SmtpControl,
  stripMailjetSmtpHeaders,
  takeMailjetSmtpHeaders,
} from './smtp-headers.ts';
export { type RenderOptions, type RenderResult, renderTemplate } from './template.ts';
export type { Address, Attachment, MessageOptions, NormalizedMessage, TrackSetting } from './types.ts';
export { LIMITS, type MessageValidation, validateMessage } from './validate-message.ts';
export { MAX_MESSAGES, mergeGlobals, type RequestErrorBody, type SendRequestValidation, validateSendRequest } from './validate-request.ts';
