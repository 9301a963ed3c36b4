// Inbound MX for the bounce domain: DSNs to VERP addresses, feedback-loop reports and
// mailto unsubscribes (suppression/inbound.ts decides what each one means). Only
// recipients at the bounce domain are accepted (no relaying). Only the first 2 MiB of a
// message are kept: DSN and ARF parts come first, and the returned original (possibly
// with huge attachments) is not needed, so memory stays bounded whatever arrives.
import { Counter, type Registry } from 'prom-client';
import { SMTPServer } from 'smtp-server';
import { type InboundOutcome, processInbound } from '../suppression/inbound.ts';
import type { Store } from '../store/database.ts';
import { smtpError } from './smtp-error.ts';
import { decodeVerp } from '../feedback/verp.ts';

export const MX_KEEP_BYTES = 2 * 1024 * 1024;
const MAX_RCPTS = 50;


export interface MxDeps {
  store: Store;
  hostname: string;
  bounceDomain: string;
  verpKey: Buffer;
  masterKey: Buffer;
  registry?: Registry;
  tls?: { cert: Buffer; key: Buffer };
  /** largest message accepted at all (announced with SIZE) */
  maxMessageBytes?: number;
}

export function mxCounter(registry?: Registry): Counter<'outcome'> | undefined {
  if (!registry) return undefined;
  return (
    (registry.getSingleMetric('relais_mx_messages_total') as Counter<'outcome'> | undefined) ??
    new Counter({ name: 'relais_mx_messages_total', help: 'Messages to the bounce domain by outcome (per recipient address)', labelNames: ['outcome'], registers: [registry] })
  );
}

export function createMxServer(deps: MxDeps): SMTPServer {
  const counter = mxCounter(deps.registry);
  const count = (o: InboundOutcome | 'relay-denied' | 'too-large' | 'error') => counter?.inc({ outcome: o });
  const domain = deps.bounceDomain.toLowerCase();
  const server = new SMTPServer({
    name: deps.hostname,
    banner: 'Relais ESMTP MX',
    size: deps.maxMessageBytes ?? 50 * 1024 * 1024,
    authOptional: true,
    disabledCommands: ['AUTH'],
    ...(deps.tls ? { key: deps.tls.key, cert: deps.tls.cert } : { disabledCommands: ['AUTH', 'STARTTLS'] }),
    disableReverseLookup: true,
    logger: false,
    onRcptTo(address, session, cb) {
      const a = address.address.toLowerCase();
      // Our bounce domain, or a tenant's return-path host (rp.<domain>, a CNAME to it):
      // those only for VERP addresses whose tag is ours, so nothing else is relayed.
      if (!a.endsWith(`@${domain}`) && !decodeVerp(a, deps.verpKey).ok) {
        count('relay-denied');
        return cb(smtpError(550, `5.7.1 relaying denied: this host accepts mail for ${domain} only`));
      }
      if (session.envelope.rcptTo.length >= MAX_RCPTS) return cb(smtpError(452, '4.5.3 too many recipients'));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      let kept = 0;
      let truncated = false;
      stream.on('data', (c: Buffer) => {
        if (kept >= MX_KEEP_BYTES) {
          truncated = true;
          return;
        }
        const part = c.subarray(0, MX_KEEP_BYTES - kept);
        if (part.length < c.length) truncated = true;
        chunks.push(part);
        kept += part.length;
      });
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          count('too-large');
          return cb(smtpError(552, '5.3.4 message too large for the bounce processor'));
        }
        processInbound(
          { store: deps.store, bounceDomain: deps.bounceDomain, verpKey: deps.verpKey, masterKey: deps.masterKey, count },
          {
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks),
            truncated,
            remoteIp: session.remoteAddress,
          },
        ).then(
          // one answer whatever the outcome: a forger learns nothing about tags or messages
          () => cb(null, '2.0.0 accepted'),
          (err: Error) => {
            count('error');
            cb(smtpError(451, `4.3.0 temporary failure, try again: ${err.message}`));
          },
        );
      });
    },
  });
  server.on('error', () => {});
  return server;
}
