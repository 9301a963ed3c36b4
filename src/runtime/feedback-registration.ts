// Registers the feedback capability (MX, suppressions, webhooks, unsubscribe) with the node.
import { registerFeedback } from './feedback-extension.ts';
import { nodeExtensions } from './relais-node.ts';

registerFeedback(nodeExtensions);
