// The one configuration schema. Every setting has a camelCase key (config file), an
// environment variable, a type, a default and a line of documentation; docs/configuration.md
// is generated from this table (`relais config docs`) and a test keeps the two in step.

export type SettingType = 'string' | 'port' | 'int' | 'bool' | 'list' | 'enum';

export interface Setting {
  key: string;
  env: string;
  type: SettingType;
  default?: string | number | boolean | string[];
  /** for 'enum' */
  values?: string[];
  doc: string;
  secret?: boolean;
}

export const SETTINGS: Setting[] = [
  { key: 'dataDir', env: 'RELAIS_DATA_DIR', type: 'string', default: './data', doc: 'Directory for the SQLite database, generated TLS certificate, master key file and spool.' },
  { key: 'databaseUrl', env: 'RELAIS_DATABASE_URL', type: 'string', doc: 'Database. Default: the SQLite file `<dataDir>/relais.db`. `sqlite:/path/file.db` or `postgres://user:pass@host:5432/db` for PostgreSQL.' , secret: true },
  { key: 'roles', env: 'RELAIS_ROLES', type: 'list', default: ['api', 'smtp', 'mx', 'mta'], doc: 'Roles this process runs: `api` (HTTP), `smtp` (submission 587/465), `mx` (inbound bounces and complaints), `mta` (delivery).' },
  { key: 'hostname', env: 'RELAIS_HOSTNAME', type: 'string', doc: 'Name this node greets with and puts in Message-IDs. Default: the machine hostname.' },
  { key: 'httpHost', env: 'RELAIS_HTTP_HOST', type: 'string', default: '127.0.0.1', doc: 'Address the HTTP API listens on. Anything but loopback requires TLS (or `behindTlsProxy`).' },
  { key: 'httpPort', env: 'RELAIS_HTTP_PORT', type: 'port', default: 8080, doc: 'HTTP API port.' },
  { key: 'httpTls', env: 'RELAIS_HTTP_TLS', type: 'enum', values: ['auto', 'on', 'off'], default: 'auto', doc: '`auto`: plain HTTP on loopback, TLS elsewhere; `on`: always TLS; `off`: never (refused off loopback unless `behindTlsProxy`).' },
  { key: 'behindTlsProxy', env: 'RELAIS_BEHIND_TLS_PROXY', type: 'bool', default: false, doc: 'The operator states a TLS-terminating proxy sits in front of the HTTP API, so plain HTTP may listen on a non-loopback address.' },
  { key: 'publicUrl', env: 'RELAIS_PUBLIC_URL', type: 'string', doc: 'Base URL recipients reach for one-click unsubscribe and tracking links. Default: derived from httpHost/httpPort.' },
  { key: 'smtpHost', env: 'RELAIS_SMTP_HOST', type: 'string', default: '127.0.0.1', doc: 'Address the SMTP submission and MX listeners bind to.' },
  { key: 'smtpPort', env: 'RELAIS_SMTP_PORT', type: 'port', default: 2587, doc: 'SMTP submission port (STARTTLS; AUTH only after TLS).' },
  { key: 'smtpsPort', env: 'RELAIS_SMTPS_PORT', type: 'port', default: 2465, doc: 'SMTP submission with implicit TLS.' },
  { key: 'mxPort', env: 'RELAIS_MX_PORT', type: 'port', default: 2525, doc: 'Inbound MX for bounces (VERP), feedback-loop reports and mailto unsubscribes.' },
  { key: 'smtpMaxMessageBytes', env: 'RELAIS_SMTP_MAX_MESSAGE_BYTES', type: 'int', default: 26214400, doc: 'Largest message accepted over SMTP (announced with SIZE).' },
  { key: 'smtpTrustedNetworks', env: 'RELAIS_SMTP_TRUSTED_NETWORKS', type: 'list', default: [], doc: 'CIDR networks allowed to submit without AUTH on behalf of `smtpTrustedTenant` (like Postfix mynetworks). Off when empty.' },
  { key: 'smtpTrustedTenant', env: 'RELAIS_SMTP_TRUSTED_TENANT', type: 'string', doc: 'Tenant id that trusted-network submissions are accounted to.' },
  { key: 'tlsCertFile', env: 'RELAIS_TLS_CERT_FILE', type: 'string', doc: 'PEM certificate for all listeners. Default: a self-signed certificate generated into the data dir.' },
  { key: 'tlsKeyFile', env: 'RELAIS_TLS_KEY_FILE', type: 'string', doc: 'PEM private key matching tlsCertFile.' },
  { key: 'masterKey', env: 'RELAIS_MASTER_KEY', type: 'string', secret: true, doc: 'Key (32 bytes, base64 or hex) that encrypts secrets at rest (DKIM keys, webhook secrets). Default: read from masterKeyFile.' },
  { key: 'masterKeyFile', env: 'RELAIS_MASTER_KEY_FILE', type: 'string', doc: 'File holding the master key. Default: `<dataDir>/master.key`, generated on first start.' },
  { key: 'adminToken', env: 'RELAIS_ADMIN_TOKEN', type: 'string', secret: true, doc: 'Operator bearer token for /v1/admin/*. Default: generated into `<dataDir>/admin.token` on first start.' },
  { key: 'dnsServers', env: 'RELAIS_DNS_SERVERS', type: 'list', default: [], doc: 'DNS servers as `host:port` (default: the system resolver).' },
  { key: 'bounceDomain', env: 'RELAIS_BOUNCE_DOMAIN', type: 'string', doc: 'Domain of VERP return-paths; its MX must point at this node. Default: `bounces.<hostname>`.' },
  { key: 'requireVerifiedDomains', env: 'RELAIS_REQUIRE_VERIFIED_DOMAINS', type: 'bool', default: true, doc: 'Refuse mail whose From domain is not verified for the tenant (API `send-0008`, SMTP `550 5.7.1`); see docs/domains.md. Turn off only for development.' },
  { key: 'spoolGroupCommitMs', env: 'RELAIS_SPOOL_GROUP_COMMIT_MS', type: 'int', default: 2, doc: 'How long the spool gathers writes into one durable commit.' },
  { key: 'nodeId', env: 'RELAIS_NODE_ID', type: 'int', default: 0, doc: 'Number (0-15) of this node when several share a PostgreSQL database.' },
  { key: 'logLevel', env: 'RELAIS_LOG_LEVEL', type: 'enum', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info', doc: 'Log level (JSON logs on stderr).' },
  { key: 'routes', env: 'RELAIS_ROUTES', type: 'list', default: [], doc: 'Static routes `domain=host:port` (`*` for all), like Postfix transport maps; also managed with `relais route`.' },
  { key: 'shapingFile', env: 'RELAIS_SHAPING_FILE', type: 'string', doc: 'JSON file with operator overrides of shaping rules (`default` and per provider) and automation rules (see docs/delivery.md).' },
  { key: 'transactionalMaxAgeHours', env: 'RELAIS_TRANSACTIONAL_MAX_AGE_HOURS', type: 'int', default: 24, doc: 'Transactional messages not delivered after this long expire.' },
  { key: 'marketingMaxAgeHours', env: 'RELAIS_MARKETING_MAX_AGE_HOURS', type: 'int', default: 72, doc: 'Marketing messages not delivered after this long expire.' },
];
