// Public surface of the feedback module (bounces, complaints, VERP, unsubscribe tokens).
export { type ArfReport, parseArf } from './arf.ts';
export { type BounceKind, type BounceRecipient, type BounceReport, parseBounce } from './bounce.ts';
export { type Classification, classifyFailure, classifyReply, type FailureInput, type ReplyInput } from './classify.ts';
export { detectBounceLoop, type LoopCheckInput, type LoopVerdict } from './loop.ts';
export { isHard, isReason, normaliseReason, REASON_MEANINGS, REASONS, type Reason } from './taxonomy.ts';
export { signUnsubscribeToken, type UnsubscribePayload, type UnsubscribeVerified, verifyUnsubscribeToken } from './unsubscribe-token.ts';
export { decodeVerp, encodeVerp, type VerpDecoded, type VerpInput } from './verp.ts';
