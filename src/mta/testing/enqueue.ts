// Test and bench helper: puts messages straight into the queue (body + one row per
// recipient), as the intake's spool step would, without going through the API.
import { nextId, uuid } from '../../core/ids.ts';
import type { Store } from '../../store/database.ts';
import type { BodiesTable, MessagesTable } from '../../store/schema.ts';
import { type SpoolBatch, writeSpoolBatches } from '../../store/spool-repo.ts';

export interface EnqueueInput {
  tenantId: number;
  recipients: string[];
  stream?: 'transactional' | 'marketing';
  from?: string;
  subject?: string;
  raw?: Buffer;
  /** ms from now until the message expires (default 1 day) */
  maxAgeMs?: number;
  now?: number;
}

export function testMessage(from: string, to: string, subject: string, bodyBytes = 0): Buffer {
  const pad = bodyBytes > 0 ? `${'x'.repeat(76)}\r\n`.repeat(Math.ceil(bodyBytes / 78)) : '';
  return Buffer.from(
    `From: <${from}>\r\nTo: <${to}>\r\nSubject: ${subject}\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <${uuid()}@relais.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello ${to}.\r\n${pad}`,
  );
}

/** Returns the message row ids, in recipient order. */
export async function enqueue(store: Store, input: EnqueueInput): Promise<number[]> {
  const batch = enqueueBatch(input);
  await writeSpoolBatches(store, [batch]);
  return batch.messages.map((m) => m.id);
}

/** The spool batch enqueue() writes: one body, one queue row per recipient, no events. */
export function enqueueBatch(input: EnqueueInput): SpoolBatch {
  const now = input.now ?? Date.now();
  const from = input.from ?? 'sender@example.org';
  const bodyId = nextId();
  const raw = input.raw ?? testMessage(from, input.recipients[0], input.subject ?? 'test');
  const bodies: BodiesTable[] = [{ id: bodyId, tenant_id: input.tenantId, raw, size: raw.length, created_at: now }];
  const messages: MessagesTable[] = input.recipients.map((r) => ({
    id: nextId(),
    uuid: uuid(),
    tenant_id: input.tenantId,
    body_id: bodyId,
    stream: input.stream ?? 'transactional',
    campaign: null,
    custom_id: null,
    event_payload: null,
    mail_from: `bounce+${bodyId}@bounces.relais.test`,
    recipient: r,
    recipient_domain: r.slice(r.lastIndexOf('@') + 1).toLowerCase(),
    from_addr: from,
    subject: input.subject ?? 'test',
    status: 'queued',
    attempts: 0,
    next_attempt_at: now,
    expires_at: now + (input.maxAgeMs ?? 86_400_000),
    created_at: now,
    updated_at: now,
    last_reply: null,
    egress_ip: null,
    lease_owner: null,
    lease_until: null,
  }));
  return { bodies, messages, events: [] };
}
