import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EgressIp, Pool, Topology } from '../store/egress-repo.ts';
import { EgressSelector } from './egress-selector.ts';

const ip = (a: string, over: Partial<EgressIp> = {}): EgressIp => ({ ip: a, helo: `h${a.split('.')[3]}.relais.test`, ptr: null, weight: 1, status: 'active', createdAt: 0, ...over });
const pool = (name: string, ips: string[], over: Partial<Pool>): Pool => ({ name, kind: 'shared', stream: null, tenantId: null, ips, createdAt: 0, ...over });

function topo(ips: EgressIp[], pools: Pool[]): Topology {
  return { ips, pools, routes: [], suspendedTenants: [] };
}

const base = topo(
  [ip('10.0.0.2'), ip('10.0.0.3'), ip('10.0.0.4'), ip('10.0.0.5', { status: 'paused' }), ip('10.0.0.6')],
  [
    pool('big', ['10.0.0.2'], { kind: 'dedicated', tenantId: 7 }),
    pool('tx', ['10.0.0.3'], { stream: 'transactional' }),
    pool('mkt', ['10.0.0.4', '10.0.0.5'], { stream: 'marketing' }),
  ],
);

test('pool choice: dedicated, else shared per stream, else default; paused IPs never chosen', () => {
  const s = new EgressSelector(base, { defaultHelo: 'relais.test' });
  const cases: [number, string, string | undefined][] = [
    [7, 'transactional', '10.0.0.2'],
    [7, 'marketing', '10.0.0.2'],
    [8, 'transactional', '10.0.0.3'],
    [8, 'marketing', '10.0.0.4'],
  ];
  for (const [tenant, stream, want] of cases) {
    for (let i = 0; i < 20; i++) {
      const c = s.choose(tenant, stream);
      assert.equal(c.kind === 'ok' ? c.egress.ip : c.kind, want, `${tenant}/${stream}`);
    }
  }
  const c = s.choose(8, 'transactional');
  assert.ok(c.kind === 'ok' && c.egress.helo === 'h3.relais.test');
});

test('no pool for the stream: unpooled IPs, then the host default', () => {
  const s = new EgressSelector(topo([ip('10.0.0.9')], []), { defaultHelo: 'relais.test' });
  const c = s.choose(1, 'marketing');
  assert.ok(c.kind === 'ok' && c.egress.ip === '10.0.0.9');
  const none = new EgressSelector(topo([], []), { defaultHelo: 'relais.test' }).choose(1, 'marketing');
  assert.deepEqual(none, { kind: 'ok', egress: { ip: undefined, helo: 'relais.test', key: 'default', pool: null } });
});

test('a dedicated pool with no usable IP holds instead of borrowing shared ones', () => {
  const t = topo([ip('10.0.0.2', { status: 'paused' }), ip('10.0.0.3')], [pool('big', ['10.0.0.2'], { kind: 'dedicated', tenantId: 7 }), pool('tx', ['10.0.0.3'], {})]);
  const c = new EgressSelector(t, { defaultHelo: 'relais.test' }).choose(7, 'transactional');
  assert.equal(c.kind, 'hold');
});

test('weights decide the share; IPs of other nodes are skipped', () => {
  const t = topo([ip('10.0.0.2', { weight: 3 }), ip('10.0.0.3', { weight: 1 }), ip('10.0.0.4')], [pool('tx', ['10.0.0.2', '10.0.0.3', '10.0.0.4'], {})]);
  let x = 0;
  const rng = () => ((x = (x * 9301 + 49297) % 233280) / 233280);
  const s = new EgressSelector(t, { defaultHelo: 'relais.test', rng, isLocal: (a) => a !== '10.0.0.4' });
  const n = new Map<string, number>();
  for (let i = 0; i < 4000; i++) {
    const c = s.choose(1, 'transactional');
    if (c.kind === 'ok') n.set(c.egress.ip!, (n.get(c.egress.ip!) ?? 0) + 1);
  }
  assert.equal(n.get('10.0.0.4'), undefined);
  const ratio = n.get('10.0.0.2')! / n.get('10.0.0.3')!;
  assert.ok(ratio > 2.5 && ratio < 3.5, `weight 3:1 gave ${ratio}`);
});
