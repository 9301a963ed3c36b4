// Temporary until src/feedback/verp.ts lands: same call shape.
import { createHmac } from 'node:crypto';

export function encodeVerp(o: { messageId: number; bounceDomain: string; secret: Buffer }): string {
  const id = o.messageId.toString(36);
  const tag = createHmac('sha256', o.secret).update(id).digest('base64url').slice(0, 8).toLowerCase();
  return `b-${id}-${tag}@${o.bounceDomain}`;
}
