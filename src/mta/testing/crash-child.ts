// A delivery loop in its own process, for the crash test: the parent kills it with
// SIGKILL mid-delivery. argv: database URL, short lease in ms.
import { MemoryResolver } from '../../dns/memory-resolver.ts';
import { openStore } from '../../store/database.ts';
import { DeliveryLoop } from '../delivery-loop.ts';
import { createShaping } from '../policy/shaping.ts';

const [url, leaseMs] = process.argv.slice(2);
const store = await openStore(url);
const loop = new DeliveryLoop({
  store,
  resolver: new MemoryResolver({}),
  hostname: 'relais.test',
  leaseMs: Number(leaseMs),
  pollMs: 100,
  shaping: createShaping({ default: { maxConnections: 4, messageRate: '10000/s', connectionRate: '1000/s' } }),
  owner: 'crash-child',
});
await loop.start();
process.stdout.write('ready\n');
