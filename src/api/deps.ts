import type { Config } from '../core/config.ts';
import type { IntakeContext } from '../intake/types.ts';
import type { Store } from '../store/database.ts';
import type { TenantAuthenticator } from './auth.ts';
import type { Metrics } from './metrics.ts';

/** What the HTTP layer needs from the running node. */
export interface ApiDeps {
  store: Store;
  config: Config;
  auth: TenantAuthenticator;
  intake: IntakeContext;
  metrics: Metrics;
  adminToken: string;
  /** the node's master key (sealed secrets, VERP and unsubscribe HMAC keys) */
  masterKey: Buffer;
  /** true once every listener of this node is up */
  ready: () => boolean;
}
