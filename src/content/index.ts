// Public API of the content checker (issue 6). The HTTP API, the intake gate and the CLI
// use only what is exported here.
export { checkContent, DEFAULT_THRESHOLD } from './check.ts';
export { DEFAULT_BLOCKLISTS, interpretBlocklistAnswer } from './dnsbl.ts';
export { contentGateDecision, type GateDecision, type GateOptions } from './gate.ts';
export { parseContentCheckRequest } from './request.ts';
export { type SpamdOptions, type SpamdResult, spamdCheck } from './spamd.ts';
export type {
  AttachmentInfo,
  BlocklistZone,
  Category,
  ContentCheckOptions,
  ContentInput,
  ContentReport,
  Hit,
  Lang,
  PartsContentInput,
  RawContentInput,
  Stream,
} from './types.ts';
