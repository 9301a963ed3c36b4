// Message and event ids: time-ordered integers below 2^53, so that they survive JSON
// parsing in JavaScript clients (Mailjet's MessageID is a number) and sort by creation.
// Layout: (ms since 2024-01-01) * 4096 + node (4 bits) * 256 + sequence (8 bits).
import { randomBytes, randomUUID } from 'node:crypto';

const EPOCH = Date.UTC(2024, 0, 1);
let lastMs = 0;
let seq = 0;
let nodeId = 0;

/** Sets this process's node number (0-15) so that nodes sharing a database never collide. */
export function setNodeId(n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > 15) throw new RangeError('node id must be 0..15');
  nodeId = n;
}

export function nextId(now = Date.now()): number {
  let ms = Math.max(now - EPOCH, lastMs);
  if (ms === lastMs) {
    seq++;
    if (seq > 255) {
      ms = lastMs + 1; // borrow from the next millisecond rather than collide
      seq = 0;
    }
  } else {
    seq = 0;
  }
  lastMs = ms;
  return ms * 4096 + nodeId * 256 + seq;
}

/** The largest id that can have been made at or before `ms` (a cursor bound for "up to now"). */
export function maxIdAt(ms: number): number {
  return (ms - EPOCH) * 4096 + 4095;
}

/** The creation time encoded in an id. */
export function idTime(id: number): Date {
  return new Date(Math.floor(id / 4096) + EPOCH);
}

export function uuid(): string {
  return randomUUID();
}

/** A random token, URL-safe base64, for secrets and public key ids. */
export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
