// The headers that belong to one recipient's copy of a message, added at delivery and
// covered by the DKIM signature:
//   X-Relais-Ref          the VERP address of this copy: complaint reports that lack the
//                         return path (Microsoft JMRP often does) still name the message;
//   List-Unsubscribe      marketing only: a one-click https link (RFC 8058) and a mailto,
//   List-Unsubscribe-Post both identifying tenant, stream and recipient (a campaign is not
//                         a list: unsubscribing stops the marketing stream of this tenant).
// Gmail and Yahoo require one-click unsubscribe for bulk senders since February 2024.
import type { QueuedMessage } from '../store/queue-repo.ts';
import { listUnsubscribeTargets } from '../suppression/unsubscribe-links.ts';

export interface RecipientHeaderSettings {
  publicUrl: string;
  bounceDomain: string;
  masterKey: Buffer;
}

export function recipientHeaders(s: RecipientHeaderSettings, now: () => number = Date.now): (m: QueuedMessage) => string {
  return (m) => {
    let h = `X-Relais-Ref: ${m.mailFrom}\r\n`;
    if (m.stream === 'marketing') {
      const t = listUnsubscribeTargets(s, { tenantId: m.tenantId, messageId: m.id, stream: m.stream, recipient: m.recipient }, now());
      h += `List-Unsubscribe: <${t.url}>,\r\n <${t.mailto}>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n`;
    }
    return h;
  };
}
