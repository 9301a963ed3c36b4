// RELAIS_DNS_SERVERS: a comma- or space-separated list of "ip", "ip:port" or "[ipv6]:port",
// so tests and labs can point all of Relais at a DNS server on loopback.
import { isIP } from 'node:net';
import { ConfigError } from '../core/errors.ts';

export function parseDnsServers(value: string): string[] {
  const out: string[] = [];
  for (const item of value.split(/[\s,]+/).filter(Boolean)) {
    let host = item;
    let port: string | undefined;
    const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(item);
    if (bracket) {
      host = bracket[1]!;
      port = bracket[2];
    } else if (isIP(item) !== 6) {
      const m = /^([^:]+):(\d+)$/.exec(item);
      if (m) {
        host = m[1]!;
        port = m[2];
      }
    }
    if (!isIP(host)) throw new ConfigError(`RELAIS_DNS_SERVERS: "${item}" is not an IP address (with optional :port)`);
    if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
      throw new ConfigError(`RELAIS_DNS_SERVERS: bad port in "${item}"`);
    }
    const p = port ?? '53';
    out.push(isIP(host) === 6 ? `[${host}]:${p}` : `${host}:${p}`);
  }
  return out;
}

/** The servers from the environment, or undefined to use the system's resolv.conf. */
export function dnsServersFromEnv(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const v = env.RELAIS_DNS_SERVERS?.trim();
  return v ? parseDnsServers(v) : undefined;
}
