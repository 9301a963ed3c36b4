// Capabilities that hook into a node (background work, admin routes) register themselves
// when imported; relais-node.ts imports this file once for those side effects.
import '../mta/delivery-extension.ts';
import '../mta/admin-routes.ts';
