// The pure policy half of the MTA: data (providers, shaping, automation) and plain functions
// the delivery loop calls. No I/O here except fetchMtaStsPolicy, whose I/O is injected.
export {
  type AutomationAction, type AutomationRecord, type AutomationRule, AutomationEngine, type AutomationRuleOverride,
  mergeAutomationRules, type ReplyObservation, validateAutomationRules,
} from './automation-engine.ts';
export { BUILTIN_AUTOMATION } from './automation-rules.ts';
export { ConnectionSlots, type SlotLimits } from './connection-slots.ts';
export { formatRate, parseDuration, parseRate, type Rate, ratePerSecond } from './duration.ts';
export { type EffectiveShaping, effectiveShaping } from './effective-shaping.ts';
export {
  applyMtaSts, fetchMtaStsPolicy, memoryMtaStsCache, type MtaStsCache, type MtaStsIo, type MtaStsPolicy, type MtaStsResult,
  mxAllowedByPolicy, mxMatchesPolicy, parseMtaStsPolicy, parseMtaStsTxt,
} from './mta-sts.ts';
export { type EgressCandidate, pickEgressIp } from './pick-egress-ip.ts';
export { compileProviders, matchProvider, normalizeHost, PROVIDERS, type ProviderIndex, providerById, providerForDomain } from './provider-catalogue.ts';
export type { MxPattern, Provider, ProviderKind } from './provider-types.ts';
export { validateProviders } from './provider-validate.ts';
export {
  classifyTransient, DEFAULT_MAX_AGE_MS, type DeliveryErrorKind, decideFailure, type FailureOutcome, isExpired,
  nextRetryAt, parseReply, type SmtpReply,
} from './retry.ts';
export {
  createShaping, type RetrySchedule, type Shaping, type ShapingOverrides, type ShapingPolicy, type ShapingRules,
  type ShapingSpec, shapingFor, type TlsPolicy, validateShapingRules, validateShapingSpec,
} from './shaping.ts';
export { BUILTIN_SHAPING } from './shaping-rules.ts';
export { readyQueueKey, scheduledQueueKey, siteKeyFor } from './site-key.ts';
export { TokenBucket } from './token-bucket.ts';
