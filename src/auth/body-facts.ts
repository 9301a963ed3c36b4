// What one pass over a message body tells both ends of the pipeline. The content gate at
// intake hashes every SMTP body to recognise a campaign's repeated content; the DKIM signer
// at delivery hashes the same body again (relaxed canonicalization, SHA-256). For mail a
// node delivers from memory, intake computes the DKIM body hash once and the signer reuses
// it: a 100 KB body costs one SHA-256 pass instead of two.
import { createHash } from 'node:crypto';
import { cleanLines, rememberCleanLines } from '../core/line-ends.ts';
import { relaxedBodyParts, splitMessage } from './dkim-canon.ts';

export interface BodyFacts {
  /** DKIM bh= of the body: SHA-256 of its relaxed canonical form, base64 */
  bh: string;
  /** bytes after the header block, to check the facts still describe a given message */
  bodyLength: number;
  /** cleanLines of the whole message */
  clean: boolean;
}

/** The DKIM relaxed body hash (bh=) of a body; `crlfOnly` when every LF is known to follow a CR. */
export function relaxedBodyHash(body: Buffer, crlfOnly = false): string {
  const h = createHash('sha256');
  for (const part of relaxedBodyParts(body, crlfOnly)) h.update(part);
  return h.digest('base64');
}

export function bodyFacts(raw: Buffer): BodyFacts {
  const clean = cleanLines(raw);
  const { body } = splitMessage(raw);
  return { bh: relaxedBodyHash(body, clean), bodyLength: body.length, clean };
}

// Carried on the spool's body row from intake to the delivery loop (the body Buffer itself
// is replaced on the way: it is moved to the spool's writer thread and back).
const onRows = new WeakMap<object, BodyFacts>();
export function attachBodyFacts(row: object, f: BodyFacts): void {
  onRows.set(row, f);
}
export function attachedBodyFacts(row: object): BodyFacts | undefined {
  return onRows.get(row);
}

// Known per message Buffer, for the signer and the DATA encoder.
const onBuffers = new WeakMap<Buffer, BodyFacts>();
export function knowBodyFacts(raw: Buffer, f: BodyFacts): void {
  onBuffers.set(raw, f);
  rememberCleanLines(raw, f.clean);
}

/** The body hash learnt earlier for this message, if its body is still `bodyLength` long. */
export function knownBodyHash(raw: Buffer, bodyLength: number): string | undefined {
  const f = onBuffers.get(raw);
  return f && f.bodyLength === bodyLength ? f.bh : undefined;
}
