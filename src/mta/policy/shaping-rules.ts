// Built-in shaping rules as data: one default and per-provider overrides, keyed by the
// provider ids of the catalogue. Validated by shaping.test.ts, which also checks that every
// value is at least as careful as KumoMTA's shipped shaping.toml (deliverability.md §4.2).
// Operators layer their own overrides on top (see docs/delivery.md), never edit this file.
import type { ShapingRules } from './shaping.ts';

export const BUILTIN_SHAPING: ShapingRules = {
  default: {
    // KumoMTA default: connection_limit 10, max_connection_rate 100/min,
    // max_deliveries_per_connection 100, max_message_rate 100/s, idle_timeout 60s.
    maxConnections: 10,
    maxMessagesPerConnection: 100,
    messageRate: '100/s',
    connectionRate: '100/min',
    tls: 'opportunistic',
    // First retry after 10 minutes: greylisting usually clears within 5, and Gmail asks for
    // at least 10 after 4.7.28. Then doubling (20, 40, 80, 160 min) up to every 4 hours.
    retry: { initialDelay: '10m', factor: 2, maxDelay: '4h', jitter: 0.2 },
    idleTimeout: '60s',
    maxAge: { transactional: '1d', marketing: '3d' },
  },
  providers: {
    google: {
      maxConnections: 5,
      providerMaxConnections: 5,
      maxMessagesPerConnection: 50,
      note: 'KumoMTA: 50 per connection, provider_connection_limit 5. Gmail: steady rate, no bursts (support 81126).',
    },
    'microsoft-consumer': {
      maxConnections: 5,
      providerMaxConnections: 5,
      maxMessagesPerConnection: 50,
      note: 'KumoMTA "outlook": 50 per connection, provider_connection_limit 5.',
    },
    'microsoft-365': { maxConnections: 5, providerMaxConnections: 5, maxMessagesPerConnection: 50, note: 'KumoMTA "office365".' },
    'microsoft-365-dane': { maxConnections: 5, providerMaxConnections: 5, maxMessagesPerConnection: 50, note: 'KumoMTA "office365-dane".' },
    yahoo: {
      maxMessagesPerConnection: 20,
      note: 'Provided by Yahoo to KumoMTA; Yahoo drops the connection silently at its per-connection limit.',
    },
    apple: { maxConnections: 10, providerMaxConnections: 10, maxMessagesPerConnection: 5, note: 'KumoMTA "apple".' },
    comcast: {
      maxConnections: 10,
      maxMessagesPerConnection: 1000,
      tls: 'required',
      idleTimeout: '30s',
      note: 'Comcast publishes 25 connections and 1000 per connection, TLS required; we keep the default 10 connections.',
    },
    'mail-com': { maxMessagesPerConnection: 100, note: 'Provided by mail.com to KumoMTA.' },
    mimecast: { maxConnections: 10, maxMessagesPerConnection: 100, note: 'Provided by Mimecast to KumoMTA; limits are per regional site.' },
    orange: {
      maxConnections: 2,
      providerMaxConnections: 2,
      maxMessagesPerConnection: 100,
      note: 'KumoMTA: provider limit 2 (older revisions 3); Orange answers "Trop de connexions" beyond that.',
    },
    gmx: {
      maxConnections: 4,
      maxMessagesPerConnection: 20,
      tls: 'required',
      note: 'KumoMTA community rules for GMX and WEB.DE: 4 connections, 20 per connection, TLS required.',
    },
    'web-de': { maxConnections: 4, maxMessagesPerConnection: 20, tls: 'required', note: 'Same platform as GMX.' },
    kpn: { maxConnections: 10, maxMessagesPerConnection: 10, tls: 'required', note: 'KumoMTA community rules.' },
    barracuda: {
      maxConnections: 10,
      providerMaxConnections: 10,
      maxMessagesPerConnection: 15,
      tls: 'required',
      note: 'KumoMTA community rules (2026-03).',
    },
    't-online': {
      maxConnections: 3,
      note: 'No published figures; T-Online whitelists per IP and dislikes many parallel connections from new IPs.',
    },
    qq: { maxConnections: 4, maxMessagesPerConnection: 8, tls: 'required', note: 'KumoMTA community rules.' },
    netease: { maxConnections: 4, maxMessagesPerConnection: 7, note: 'KumoMTA community rules (RequiredInsecure TLS there).' },
  },
};
