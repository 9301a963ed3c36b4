// Durable messages per second through POST /v3.1/send in batches of 50.
// Usage: node bench/intake-http.ts [--seconds 10] [--concurrency 8] [--batch 50]
import { startRelaisProcess } from './support/relais-process.ts';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const seconds = arg('seconds', 10);
const concurrency = arg('concurrency', 8);
const batch = arg('batch', 50);

const relais = await startRelaisProcess(() => ({ RELAIS_ROLES: 'api' }));
const auth = `Basic ${Buffer.from(`${relais.keyId}:${relais.secret}`).toString('base64')}`;
// ~4 KB of text in lines of ordinary length, as real messages have
const text = 'Hello, this is a transactional message of about four kilobytes.\n'.repeat(30);
const body = JSON.stringify({
  Messages: Array.from({ length: batch }, (_, i) => ({
    From: { Email: 'orders@acme.example', Name: 'Acme' },
    To: [{ Email: `customer${i}@example.net` }],
    Subject: 'Your order has shipped',
    TextPart: text,
    HTMLPart: `<html><body>\n${text.split('\n').map((l) => `<p>${l}</p>`).join('\n')}\n</body></html>`,
    CustomID: `order-${i}`,
  })),
});

let accepted = 0;
let failed = 0;
const latencies: number[] = [];
const deadline = performance.now() + seconds * 1000;
const started = performance.now();
const progress = setInterval(() => process.stderr.write(`\r${accepted} accepted, ${((accepted / (performance.now() - started)) * 1000).toFixed(0)} msg/s   `), 1000);
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const res = await fetch(`${relais.http}/v3.1/send`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body });
      const j = (await res.json()) as any;
      latencies.push(performance.now() - t0);
      if (res.status === 200) accepted += j.Messages.length;
      else failed += batch;
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
clearInterval(progress);
process.stderr.write('\n');
await relais.stop();
latencies.sort((a, b) => a - b);
const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(1);
console.log(`batches of ${batch}, ${concurrency} concurrent clients, ${elapsed.toFixed(1)} s, SQLite WAL synchronous=FULL with group commit`);
console.log(`request latency p50=${p(0.5)} ms p99=${p(0.99)} ms`);
console.log(`msgs_per_s=${(accepted / elapsed).toFixed(0)} accepted=${accepted} failed=${failed} p50_ms=${p(0.5)} p99_ms=${p(0.99)}`);
