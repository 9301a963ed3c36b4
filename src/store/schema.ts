// Table types for Kysely. Times are epoch milliseconds (bigint in both dialects), ids are
// integers below 2^53 (core/ids.ts), JSON is stored as text.
import type { Generated } from 'kysely';

export interface TenantsTable {
  id: number;
  name: string;
  status: string; // active | suspended
  status_reason: string | null;
  created_at: number;
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
  raw: Uint8Array;
  size: number;
  created_at: number;
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
}
