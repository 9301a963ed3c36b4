// Table types for Kysely. Times are epoch milliseconds (bigint in both dialects), ids are
// integers below 2^53 (core/ids.ts), JSON is stored as text.
import type { Generated } from 'kysely';

export interface TenantsTable {
  id: number;
  name: string;
  status: string; // active | suspended
  status_reason: string | null;
  created_at: number;
  content_threshold_transactional?: number | null;
  content_threshold_marketing?: number | null;
}

export interface ApiKeysTable {
  id: string; // public key id, the Basic-auth user name
  tenant_id: number;
  name: string | null;
  secret_hash: string;
  scopes: string; // comma-separated: send,read,manage
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

export interface TemplatesTable {
  id: number;
  tenant_id: number;
  name: string;
  subject: string | null;
  text_part: string | null;
  html_part: string | null;
  created_at: number;
  updated_at: number;
}

export interface IdempotencyKeysTable {
  tenant_id: number;
  key: string;
  body_hash: string;
  status: number;
  response: string;
  created_at: number;
}

export interface BodiesTable {
  id: number;
  tenant_id: number;
  /** the message; empty when it lives in a body file (`file`, store/body-files.ts) */
  raw: Uint8Array;
  size: number;
  created_at: number;
  file?: string | null;
  file_offset?: number | null;
}

export interface MessagesTable {
  id: number;
  uuid: string;
  tenant_id: number;
  body_id: number;
  stream: string;
  campaign: string | null;
  custom_id: string | null;
  event_payload: string | null;
  mail_from: string;
  recipient: string;
  recipient_domain: string;
  from_addr: string;
  subject: string | null;
  status: string; // queued | deferred | sent | bounced | expired | suppressed | sandbox
  attempts: number;
  next_attempt_at: number;
  expires_at: number;
  created_at: number;
  updated_at: number;
  last_reply: string | null;
  egress_ip: string | null;
  lease_owner: string | null;
  lease_until: number | null;
}

export interface EventsTable {
  id: number;
  tenant_id: number;
  message_id: number | null;
  type: string;
  recipient: string | null;
  created_at: number;
  data: string;
}

export interface EgressIpsTable {
  ip: string;
  helo: string;
  ptr: string | null;
  weight: number;
  status: string; // active | paused
  created_at: number;
}

export interface PoolsTable {
  name: string;
  kind: string; // shared | dedicated
  stream: string | null; // for shared pools: transactional | marketing | null (both)
  tenant_id: number | null; // for dedicated pools
  created_at: number;
}

export interface PoolMembersTable {
  pool: string;
  ip: string;
}

export interface RoutesTable {
  domain: string;
  target: string;
  created_at: number;
}

export interface LeasesTable {
  name: string;
  owner: string;
  until: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  actor: string;
  action: string;
  subject: string;
  data: string;
  created_at: number;
}

export interface SuppressionsTable {
  id: number;
  tenant_id: number;
  address: string; // lower-cased
  scope: string; // tenant | stream | list
  scope_value: string; // '' | stream name | list id
  reason: string; // hard_bounce | complaint | unsubscribe | manual | invalid
  origin: string; // recipient | tenant | operator | system
  detail: string | null;
  message_id: number | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookEndpointsTable {
  id: number;
  tenant_id: number;
  url: string;
  backup_url: string | null;
  event_types: string; // comma-separated; '' = all
  format: string; // native | mailjet
  secret: string; // sealed with the master key
  status: string; // active | failing | disabled
  cursor: number; // last events.id looked at
  retry_hours: number;
  failing_since: number | null;
  last_error: string | null;
  last_success_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookOutboxTable {
  id: number;
  endpoint_id: number;
  tenant_id: number;
  event_id: number;
  replay: number; // 0 | 1
  status: string; // pending | delivered
  attempts: number;
  next_attempt_at: number;
  first_failure_at: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

export interface InboundReportsTable {
  id: number;
  kind: string; // bounce | complaint | unsubscribe | other
  outcome: string; // attributed | forged | unknown | unattributable | loop | vacation | not-report | too-large
  tenant_id: number | null;
  message_id: number | null;
  mail_from: string;
  rcpt_to: string;
  summary: string; // JSON
  raw: Uint8Array | null;
  size: number;
  created_at: number;
}

export interface DomainsTable {
  id: number;
  tenant_id: number;
  name: string; // ASCII (punycode)
  unicode_name: string;
  status: string; // pending | verified | failed | unknown
  verified_at: number | null;
  hand_verified: number; // 0 | 1
  claim: string | null; // = name while verified (unique)
  last_check: string | null; // JSON
  checked_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface DkimKeysTable {
  id: number;
  domain_id: number;
  domain: string;
  selector: string;
  algorithm: string;
  private_key: string; // sealed
  public_key: string;
  state: string; // pending | active | retiring | retired
  in_dns: string; // yes | no | unknown
  created_at: number;
  activated_at: number | null;
  retiring_since: number | null;
  checked_at: number | null;
}

export interface FeedbackCursorsTable {
  name: string;
  cursor: number;
}

export interface Schema {
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
  templates: TemplatesTable;
  idempotency_keys: IdempotencyKeysTable;
  bodies: BodiesTable;
  messages: MessagesTable;
  events: EventsTable;
  egress_ips: EgressIpsTable;
  pools: PoolsTable;
  pool_members: PoolMembersTable;
  routes: RoutesTable;
  leases: LeasesTable;
  audit_log: AuditLogTable;
  suppressions: SuppressionsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_outbox: WebhookOutboxTable;
  inbound_reports: InboundReportsTable;
  feedback_cursors: FeedbackCursorsTable;
  domains: DomainsTable;
  dkim_keys: DkimKeysTable;
}
