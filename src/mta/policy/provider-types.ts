// The shape of one provider catalogue entry. The catalogue is data (providers-*.ts) so it can
// grow with the world; provider-catalogue.test.ts validates every entry against this schema.

/**
 * One MX host pattern with a real MX host name it matches.
 * `pattern` is either an exact host (`smtp.google.com`) or `*.` + a DNS suffix
 * (`*.google.com` matches any host below google.com, never google.com itself).
 */
export interface MxPattern {
  pattern: string;
  example: string;
  /** false when the example host comes from documentation or memory, not a DNS answer or a bounce */
  verified?: false;
}

export type ProviderKind =
  /** a mailbox provider: consumer and/or business mailboxes (Gmail, GMX, T-Online...) */
  | 'mailbox'
  /** a web host whose MX serves many small business domains (IONOS, OVH, Aruba...) */
  | 'hosting'
  /** a security gateway in front of business mailboxes (Mimecast, Proofpoint...) */
  | 'gateway';

export interface Provider {
  /** stable id: lowercase letters, digits and dashes; also the shaping site key */
  id: string;
  /** display name for dashboards and docs */
  name: string;
  /** ISO 3166 alpha-2 country of the provider's main market, or `global` */
  region: string;
  kind: ProviderKind;
  /** MX host patterns, each with a real example host */
  mx: MxPattern[];
  /** consumer mailbox domains the provider hosts (empty for gateways and hosts) */
  domains: string[];
  /** where seed mailboxes at this provider are read for inbox-placement monitoring */
  seed?: { imapHost: string; port?: number };
  /** why the entry is shaped the way it is, sources, caveats */
  note?: string;
}
