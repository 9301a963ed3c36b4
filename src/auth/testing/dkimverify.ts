// Runs Debian's `dkimverify` (python3-dkim) as an independent DKIM verifier in tests, with
// dnspython pointed at a loopback DNS server (test/support/dns-server.ts) instead of
// /etc/resolv.conf. Used by the auth tests and by the MTA's delivery tests.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PYTHON = '/usr/bin/python3';
const DKIMVERIFY = '/usr/bin/dkimverify';

// Replaces dnspython's default resolver, then runs the installed dkimverify script unchanged.
const WRAPPER = `
import sys, runpy, dns.resolver
r = dns.resolver.Resolver(configure=False)
r.nameservers = [sys.argv[1]]
r.port = int(sys.argv[2])
dns.resolver.default_resolver = r
script = sys.argv[3]
sys.argv = [script] + sys.argv[4:]
runpy.run_path(script, run_name='__main__')
`;

/** Why dkimverify cannot run here, or undefined when it can. */
export function dkimverifyMissing(): string | undefined {
  if (!existsSync(DKIMVERIFY)) return 'dkimverify not installed (Debian package python3-dkim)';
  const r = spawnSync(PYTHON, ['-c', 'import dkim, dns.resolver'], { encoding: 'utf8' });
  if (r.status !== 0) return `python3-dkim not importable: ${r.stderr.trim()}`;
  return undefined;
}

export interface DkimverifyResult {
  ok: boolean;
  output: string;
}

/**
 * Verifies the signature at `index` (0 = topmost DKIM-Signature). Asynchronous on purpose:
 * the DNS server runs in this process, so a blocking spawnSync would starve it.
 */
export function runDkimverify(message: Buffer, dns: { host: string; port: number }, index = 0): Promise<DkimverifyResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', WRAPPER, dns.host, String(dns.port), DKIMVERIFY, '--index', String(index)], {
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ok: code === 0 && /signature ok/.test(out), output: out.trim() }));
    child.stdin.end(message);
  });
}
