// At-least-once across a crash of a node that accepts and delivers (mail goes from its spool
// to its delivery loop in memory, leased to the node): kill -9 in the middle of an HTTP load
// while deliveries run, start the node again on the same data directory, and every
// acknowledged message must reach the receiver, soon (the restarted node takes back its own
// leases at once instead of waiting five minutes for them to run out). Only messages in
// flight at the kill may arrive twice; how many did is reported.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startReceiver } from '../../src/mta/testing/receiver.ts';
import { childEnv, relaisJson, spawnRelais } from '../support/relais-child.ts';

async function startRelaisHere(env: Record<string, string>) {
  const { child, banner } = await spawnRelais(env);
  return { child, http: banner.http };
}




test('kill -9 while a node delivers what it accepts: after a restart every acknowledged message arrives', async (t) => {
  // A receiver slow enough that many messages are in flight or waiting at the kill.
  const rx = await startReceiver({ dataDelayMs: 15 });
  const dataDir = mkdtempSync(join(tmpdir(), 'relais-crash-mta-'));
  const env = childEnv(dataDir, { RELAIS_ROLES: 'api,mta', RELAIS_ROUTES: `example.net=127.0.0.1:${rx.port}` });
  let second: ChildProcess | undefined;
  try {
    const created = relaisJson(env, 'tenant', 'create', 'Crash Test', '--key');
    const auth = `Basic ${Buffer.from(`${created.key.id}:${created.key.secret}`).toString('base64')}`;
    const first = await startRelaisHere(env);
    const acked = new Set<string>();
    let stop = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop && i < 10000; i++) {
        try {
          const to = Array.from({ length: 5 }, (_, k) => `r${w}-${i}-${k}@example.net`);
          const res = await fetch(`${first.http}/v3.1/send`, {
            method: 'POST',
            headers: { authorization: auth, 'content-type': 'application/json' },
            body: JSON.stringify({ Messages: to.map((e) => ({ From: { Email: 'a@acme.example' }, To: [{ Email: e }], Subject: 'x', TextPart: 'y' })) }),
          });
          if (res.status === 200) for (const e of to) acked.add(e);
        } catch {
          return; // connection reset by the kill
        }
      }
    };
    const workers = Array.from({ length: 6 }, (_, w) => worker(w));
    const t0 = Date.now();
    while ((acked.size < 300 || rx.messages.length < 30) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 25));
    first.child.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    const beforeRestart = rx.messages.length;
    assert.ok(acked.size >= 100 && beforeRestart > 0, `load too small to mean anything: ${acked.size} acknowledged, ${beforeRestart} delivered`);
    assert.ok(beforeRestart < acked.size, 'the kill came while mail was still waiting');

    second = (await startRelaisHere(env)).child;
    const received = () => new Set(rx.messages.flatMap((m) => m.to));
    const deadline = Date.now() + 60_000;
    while ([...acked].some((e) => !received().has(e)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const got = received();
    const missing = [...acked].filter((e) => !got.has(e));
    assert.deepEqual(missing.slice(0, 10), [], `${missing.length} of ${acked.size} acknowledged messages never arrived`);
    const twice = rx.messages.length - got.size;
    t.diagnostic(`${acked.size} acknowledged, ${beforeRestart} delivered before the kill, ${twice} delivered twice`);
    // Twice only for what was in flight: at most the loop's connections' worth.
    assert.ok(twice <= 50, `${twice} duplicates`);
  } finally {
    second?.kill('SIGTERM');
    if (second) await new Promise((r) => second!.once('exit', r));
    await rx.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
