// Property names of the Send API v3.1 Message and root objects, and a case-insensitive
// lookup. Mailjet's own deserializer is not documented as case-sensitive, and clients
// differ ("HtmlPart", "HTMLPart"), so a property is recognised whatever its case; anything
// else is an unknown property and rejected.

export const MESSAGE_PROPERTIES = [
  'From',
  'Sender',
  'To',
  'Cc',
  'Bcc',
  'ReplyTo',
  'Subject',
  'TextPart',
  'HTMLPart',
  'TemplateID',
  'TemplateLanguage',
  'TemplateErrorReporting',
  'TemplateErrorDeliver',
  'Variables',
  'Attachments',
  'InlinedAttachments',
  'Priority',
  'CustomCampaign',
  'DeduplicateCampaign',
  'TrackOpens',
  'TrackClicks',
  'CustomID',
  'EventPayload',
  'MonitoringCategory',
  'URLTags',
  'Headers',
] as const;

export type MessageProperty = (typeof MESSAGE_PROPERTIES)[number];

export const ROOT_PROPERTIES = ['Messages', 'Globals', 'SandboxMode', 'AdvanceErrorHandling'] as const;

export function caseMap(names: readonly string[]): Map<string, string> {
  return new Map(names.map((n) => [n.toLowerCase(), n]));
}

export const MESSAGE_PROPERTY_MAP = caseMap(MESSAGE_PROPERTIES);
export const ROOT_PROPERTY_MAP = caseMap(ROOT_PROPERTIES);

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Re-keys `obj` with canonical property names. Returns the canonical object plus the keys
 * that are unknown or given twice (in two spellings).
 */
export function canonicalize(
  obj: Record<string, unknown>,
  map: Map<string, string>,
): { value: Record<string, unknown>; unknown: string[]; duplicate: string[] } {
  const value: Record<string, unknown> = {};
  const unknown: string[] = [];
  const duplicate: string[] = [];
  for (const key of Object.keys(obj)) {
    const canon = map.get(key.toLowerCase());
    if (canon === undefined) unknown.push(key);
    else if (Object.hasOwn(value, canon)) duplicate.push(key);
    else value[canon] = obj[key];
  }
  return { value, unknown, duplicate };
}
