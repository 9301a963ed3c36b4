// The intake's SuppressionCheck backed by the suppressions table. A marketing-only entry
// (stream scope, or a list) never stops transactional mail; tenant-wide entries (hard
// bounces, operator blocks) stop everything.
import type { Stream } from '../core/events.ts';
import type { SuppressionCheck } from '../intake/types.ts';
import type { Store } from '../store/database.ts';
import { findBlockingSuppression, findBlockingSuppressions } from '../store/suppressions-repo.ts';

export function createSuppressionCheck(store: Store): SuppressionCheck {
  return {
    async check(tenantId: number, address: string, stream: Stream) {
      const hit = await findBlockingSuppression(store, tenantId, address, stream);
      if (!hit) return null;
      // The reason is the stored one (hard_bounce, complaint, unsubscribe, manual, invalid):
      // it becomes the `suppressed` event's reason and Mailjet's `blocked` error.
      return { reason: hit.reason };
    },
    async checkMany(tenantId: number, addresses: string[], stream: Stream) {
      const hits = await findBlockingSuppressions(store, tenantId, addresses, stream);
      return new Map([...hits].map(([a, h]) => [a, { reason: h.reason }]));
    },
  };
}
