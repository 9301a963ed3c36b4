// DKIM signing throughput: Relais's signer (sync and thread-pool) against mailauth's dkimSign,
// RSA-2048, relaxed/relaxed, 4 KB and 100 KB messages.
// Run: node bench/dkim-sign.ts [seconds-per-case]
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import { generateDkimKey } from '../src/auth/dkim-keys.ts';
import { createDkimSigner } from '../src/auth/dkim-signer.ts';

const seconds = Number(process.argv[2] ?? 2);
const key = generateDkimKey('rsa-sha256');
const signer = createDkimSigner([{ domain: 'example.test', selector: 'rls2026111', algorithm: 'rsa-sha256', privateKey: key.privateKeyPem }]);

function message(size: number): Buffer {
  const head =
    'From: "Shop" <news@example.test>\r\nTo: a@example.org\r\nSubject: Weekly news\r\nDate: Sun, 29 Nov 2026 18:00:00 +0000\r\n' +
    'Message-ID: <1@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n' +
    'List-Unsubscribe: <https://u.example.test/u/abc>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n\r\n';
  const line = 'Lorem ipsum dolor sit amet, consectetur  adipiscing elit, sed do eiusmod tempor\r\n';
  return Buffer.from(head + line.repeat(Math.ceil(size / line.length)));
}

async function rate(label: string, fn: () => unknown | Promise<unknown>, concurrency = 1): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await fn();
        n++;
      }
    }),
  );
  const r = Math.round(n / seconds);
  process.stderr.write(`${label}: ${r} msgs/s\n`);
  return r;
}

const figures: string[] = [];
for (const [name, size] of [
  ['4k', 4096],
  ['100k', 100 * 1024],
] as const) {
  const m = message(size);
  figures.push(`relais_sync_${name}=${await rate(`relais sync ${name}`, () => signer(m))}`);
  figures.push(`relais_async_${name}=${await rate(`relais thread-pool ${name}`, () => signer.signAsync(m), 8)}`);
  figures.push(
    `mailauth_${name}=${await rate(`mailauth ${name}`, () =>
      dkimSign(m, {
        canonicalization: 'relaxed/relaxed',
        // The typings want top-level fields, but only signatureData signs (top-level alone yields no signature).
        signatureData: [{ signingDomain: 'example.test', selector: 'rls2026111', privateKey: key.privateKeyPem }],
      } as unknown as Parameters<typeof dkimSign>[1]),
    )}`,
  );
}
process.stdout.write(`${figures.join(' ')}\n`);
