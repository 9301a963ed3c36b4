// Capabilities that hook into a node (background work, admin routes) register themselves
// when imported; relais-node.ts imports this file once for those side effects.
import '../mta/delivery-extension.ts';
import '../mta/admin-routes.ts';
import '../intake/content-gate-extension.ts';
import '../api/content-routes.ts';
import '../domains/extension.ts';
import '../domains/gate.ts';
import '../api/domain-routes.ts';
import './feedback-registration.ts';
