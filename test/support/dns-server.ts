// An in-process authoritative DNS server for tests: the real protocol over UDP and TCP on
// loopback (dns-packet), so code under test goes through node:dns/c-ares (or dnspython for
// dkimverify) exactly as in production. Zones are plain objects; records and failures can
// be changed while it runs.
//
//   const dns = await startDnsServer({ zones: { 'example.test': {
//     '@': { A: ['127.0.0.1'], MX: ['10 mx.example.test'], TXT: ['v=spf1 -all'] },
//     'sel._domainkey': { TXT: [['v=DKIM1; k=rsa; p=MIIB...', '...rest']] },
//   } } });
//   process.env.RELAIS_DNS_SERVERS = dns.server;   // "127.0.0.1:PORT"
//   dns.set('www.example.test', 'A', ['127.0.0.2']);
//   dns.fail('example.test', 'TXT', 'SERVFAIL');    // or 'REFUSED', 'TIMEOUT', 'NXDOMAIN'
//   await dns.stop();
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import * as dnsPacket from 'dns-packet';

export type RecordType = 'A' | 'AAAA' | 'MX' | 'TXT' | 'CNAME' | 'PTR' | 'NS' | 'SOA';
export interface MxData {
  preference: number;
  exchange: string;
}
export interface SoaData {
  mname: string;
  rname: string;
  serial?: number;
  refresh?: number;
  retry?: number;
  expire?: number;
  minimum?: number;
}
/** One TXT record: a string (split into 255-byte strings if longer), or its strings as given. */
export type TxtData = string | Array<string | Buffer>;

/** Records at one name. MX accepts "10 mx.example.test" or an object. */
export interface NodeRecords {
  A?: string[];
  AAAA?: string[];
  MX?: Array<MxData | string>;
  TXT?: TxtData[];
  CNAME?: string | string[];
  PTR?: string[];
  NS?: string[];
  SOA?: SoaData;
  /** TTL in seconds for every record at this name (default 300). */
  ttl?: number;
}

/** zone apex → (relative label, '@' for the apex, or a fully qualified name) → records. */
export type Zones = Record<string, Record<string, NodeRecords>>;

export type FailureMode = 'SERVFAIL' | 'REFUSED' | 'TIMEOUT' | 'NXDOMAIN';

export interface DnsServerOptions {
  zones?: Zones;
  host?: string;
  /** Default TTL (seconds) for records that do not set one. */
  ttl?: number;
}

export interface QueryLogEntry {
  name: string;
  type: string;
  transport: 'udp' | 'tcp';
}

export interface DnsServer {
  readonly host: string;
  readonly port: number;
  /** "host:port", ready for RELAIS_DNS_SERVERS or a Resolver's servers list. */
  readonly server: string;
  /** Every query received, in order (tests assert caching and lookup counts with it). */
  readonly queries: QueryLogEntry[];
  /** Replaces the records of one type at a name (an empty list removes them). */
  set(name: string, type: RecordType, records: NonNullable<NodeRecords[RecordType]>): void;
  /** Removes a name (all types) or one type at it. */
  remove(name: string, type?: RecordType): void;
  /** Makes queries for name (and type, or every type) fail this way until cleared. */
  fail(name: string, type: RecordType | '*', mode: FailureMode): void;
  clearFailures(): void;
  /** Adds a zone (apex) at run time. */
  addZone(apex: string, records?: Record<string, NodeRecords>): void;
  stop(): Promise<void>;
}

interface StoredRecord {
  type: RecordType;
  ttl: number;
  data: unknown;
}

const norm = (name: string): string => name.toLowerCase().replace(/\.$/, '');

function splitTxt(s: string): Buffer[] {
  const b = Buffer.from(s, 'utf8');
  if (b.length === 0) return [b];
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += 255) out.push(b.subarray(i, i + 255));
  return out;
}

function toStored(type: RecordType, value: unknown, ttl: number): StoredRecord[] {
  switch (type) {
    case 'MX':
      return (value as Array<MxData | string>).map((mx) => {
        if (typeof mx === 'string') {
          const m = /^(\d+)\s+(\S*)$/.exec(mx.trim());
          if (!m) throw new Error(`bad MX "${mx}": expected "PREF HOST"`);
          return { type, ttl, data: { preference: Number(m[1]), exchange: norm(m[2]!) } };
        }
        return { type, ttl, data: { preference: mx.preference, exchange: norm(mx.exchange) } };
      });
    case 'TXT':
      return (value as TxtData[]).map((t) => {
        const strings = typeof t === 'string' ? splitTxt(t) : t.map((s) => (typeof s === 'string' ? Buffer.from(s) : s));
        for (const s of strings) if (s.length > 255) throw new Error('a TXT string holds at most 255 bytes');
        return { type, ttl, data: strings };
      });
    case 'CNAME':
      return (Array.isArray(value) ? value : [value]).map((c) => ({ type, ttl, data: norm(String(c)) }));
    case 'SOA': {
      const s = value as SoaData;
      return [
        {
          type,
          ttl,
          data: { serial: 1, refresh: 3600, retry: 600, expire: 86400, minimum: 60, ...s, mname: norm(s.mname), rname: norm(s.rname) },
        },
      ];
    }
    case 'NS':
    case 'PTR':
      return (value as string[]).map((v) => ({ type, ttl, data: norm(v) }));
    default:
      return (value as string[]).map((v) => ({ type, ttl, data: v }));
  }
}

const RECORD_TYPES: RecordType[] = ['A', 'AAAA', 'MX', 'TXT', 'CNAME', 'PTR', 'NS', 'SOA'];

export async function startDnsServer(opts: DnsServerOptions = {}): Promise<DnsServer> {
  const host = opts.host ?? '127.0.0.1';
  const defaultTtl = opts.ttl ?? 300;
  const apexes = new Set<string>();
  const names = new Map<string, StoredRecord[]>();
  const failures = new Map<string, FailureMode>(); // "name|TYPE" or "name|*"
  const queries: QueryLogEntry[] = [];

  function absolute(apex: string, label: string): string {
    if (label === '@' || label === '') return apex;
    const l = norm(label);
    if (label.endsWith('.') || l === apex || l.endsWith(`.${apex}`)) return l;
    return `${l}.${apex}`;
  }

  function setRecords(name: string, type: RecordType, value: unknown, ttl = defaultTtl): void {
    const n = norm(name);
    const kept = (names.get(n) ?? []).filter((r) => r.type !== type);
    const empty = value === undefined || (Array.isArray(value) && value.length === 0);
    const all = empty ? kept : [...kept, ...toStored(type, value, ttl)];
    if (all.length > 0) names.set(n, all);
    else names.delete(n);
  }

  function addZone(apex: string, records: Record<string, NodeRecords> = {}): void {
    const a = norm(apex);
    apexes.add(a);
    for (const [label, recs] of Object.entries(records)) {
      const name = absolute(a, label);
      for (const type of RECORD_TYPES) {
        if (recs[type] !== undefined) setRecords(name, type, recs[type], recs.ttl ?? defaultTtl);
      }
    }
    const at = names.get(a) ?? [];
    if (!at.some((r) => r.type === 'SOA')) setRecords(a, 'SOA', { mname: `ns1.${a}`, rname: `hostmaster.${a}` }, defaultTtl);
    if (!at.some((r) => r.type === 'NS')) setRecords(a, 'NS', [`ns1.${a}`], defaultTtl);
  }

  for (const [apex, recs] of Object.entries(opts.zones ?? {})) addZone(apex, recs);

  function zoneOf(name: string): string | undefined {
    let best: string | undefined;
    for (const a of apexes) {
      if ((name === a || name.endsWith(`.${a}`)) && (!best || a.length > best.length)) best = a;
    }
    return best;
  }

  function exists(name: string): boolean {
    if (names.has(name)) return true;
    for (const k of names.keys()) if (k.endsWith(`.${name}`)) return true; // empty non-terminal
    return false;
  }

  /** Records at a name, with RFC 4592-style wildcard synthesis when the name does not exist. */
  function recordsAt(name: string, zone: string): StoredRecord[] | undefined {
    const exact = names.get(name);
    if (exact || exists(name)) return exact ?? [];
    let parent = name;
    while (parent !== zone && parent.includes('.')) {
      parent = parent.slice(parent.indexOf('.') + 1);
      const wild = names.get(`*.${parent}`);
      if (wild) return wild;
      if (exists(parent)) break;
    }
    return undefined;
  }

  function failureFor(name: string, type: string): FailureMode | undefined {
    return failures.get(`${name}|${type}`) ?? failures.get(`${name}|*`);
  }

  function rrOf(name: string, r: StoredRecord): dnsPacket.Answer {
    return { name, type: r.type, class: 'IN', ttl: r.ttl, data: r.type === 'TXT' ? [...(r.data as Buffer[])] : r.data } as dnsPacket.Answer;
  }

  function soaOf(zone: string): dnsPacket.Answer[] {
    const soa = names.get(zone)?.find((r) => r.type === 'SOA');
    return soa ? [rrOf(zone, soa)] : [];
  }

  /** Builds the response, or undefined to stay silent (a timeout). */
  function answer(query: dnsPacket.Packet, transport: 'udp' | 'tcp'): Buffer | undefined {
    const q = query.questions?.[0];
    const base = { id: query.id, type: 'response' as const, questions: query.questions ?? [] };
    const rd = (query.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
    const opt = query.additionals?.find((a) => a.type === 'OPT') as { udpPayloadSize?: number } | undefined;
    const edns = opt
      ? [{ type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] } as dnsPacket.Answer]
      : [];
    const reply = (rcode: number, answers: dnsPacket.Answer[], authorities: dnsPacket.Answer[] = []): Buffer => {
      const flags = dnsPacket.AUTHORITATIVE_ANSWER | rd | rcode;
      let buf = dnsPacket.encode({ ...base, flags, answers, authorities, additionals: edns });
      const max = Math.max(512, opt?.udpPayloadSize ?? 512);
      if (transport === 'udp' && buf.length > max) {
        buf = dnsPacket.encode({ ...base, flags: flags | dnsPacket.TRUNCATED_RESPONSE, answers: [], additionals: edns });
      }
      return buf;
    };
    if (!q) return reply(1, []); // FORMERR
    const qname = norm(q.name);
    const qtype = String(q.type);
    queries.push({ name: qname, type: qtype, transport });

    const answers: dnsPacket.Answer[] = [];
    const seen = new Set<string>();
    let name = qname;
    for (let hops = 0; hops < 16; hops++) {
      const failure = failureFor(name, qtype);
      if (failure === 'TIMEOUT') return undefined;
      if (failure === 'SERVFAIL') return reply(2, []);
      if (failure === 'REFUSED') return reply(5, []);
      if (failure === 'NXDOMAIN') return reply(3, answers, soaOf(zoneOf(name) ?? ''));
      const zone = zoneOf(name);
      if (!zone) return hops === 0 ? reply(5, []) : reply(0, answers); // not ours: REFUSED, or end of chain
      const recs = recordsAt(name, zone);
      if (!recs) return reply(3, answers, soaOf(zone)); // NXDOMAIN (RFC 6604: even after a CNAME)
      const matching = recs.filter((r) => r.type === qtype || qtype === 'ANY');
      if (matching.length > 0) return reply(0, [...answers, ...matching.map((r) => rrOf(name, r))]);
      const cname = recs.find((r) => r.type === 'CNAME');
      if (!cname) return reply(0, answers, answers.length === 0 ? soaOf(zone) : []); // NODATA
      answers.push(rrOf(name, cname));
      seen.add(name);
      name = cname.data as string;
      if (seen.has(name)) return reply(0, answers); // a CNAME loop: hand back the chain, as servers do
    }
    return reply(2, answers); // chain too long
  }

  function onUdpMessage(udp: Socket, msg: Buffer, rinfo: RemoteInfo): void {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const out = answer(query, 'udp');
    if (out) udp.send(out, rinfo.port, rinfo.address);
  }

  const sockets = new Set<TcpSocket>();
  function onTcpConnection(sock: TcpSocket): void {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => sock.destroy());
    let pending = Buffer.alloc(0);
    sock.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2) {
        const len = pending.readUInt16BE(0);
        if (pending.length < len + 2) break;
        const msg = pending.subarray(2, len + 2);
        pending = pending.subarray(len + 2);
        let query: dnsPacket.Packet;
        try {
          query = dnsPacket.decode(msg);
        } catch {
          sock.destroy();
          return;
        }
        const out = answer(query, 'tcp');
        if (out) {
          const framed = Buffer.alloc(out.length + 2);
          framed.writeUInt16BE(out.length, 0);
          out.copy(framed, 2);
          sock.write(framed);
        }
      }
    });
  }

  // UDP and TCP on the same port: take a free UDP port, then TCP on it; retry if TCP is taken.
  let udp: Socket | undefined;
  let tcp: Server | undefined;
  let port = 0;
  for (let attempt = 0; !tcp; attempt++) {
    const u = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    u.on('message', (msg, rinfo) => onUdpMessage(u, msg, rinfo));
    await new Promise<void>((resolve, reject) => {
      u.once('error', reject);
      u.bind(0, host, () => {
        u.off('error', reject);
        resolve();
      });
    });
    const p = u.address().port;
    const t = createServer(onTcpConnection);
    const ok = await new Promise<boolean>((resolve) => {
      t.once('error', () => resolve(false));
      t.listen(p, host, () => resolve(true));
    });
    if (ok) {
      udp = u;
      tcp = t;
      port = p;
    } else {
      u.close();
      if (attempt >= 20) throw new Error('could not bind UDP and TCP to one port');
    }
  }
  const udpSocket = udp!;
  const tcpServer = tcp;

  const server = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return {
    host,
    port,
    server,
    queries,
    set(name, type, records) {
      const n = norm(name);
      if (!zoneOf(n)) throw new Error(`${n} is in no zone of this server (addZone first)`);
      setRecords(n, type, records);
    },
    remove(name, type) {
      const n = norm(name);
      if (type) setRecords(n, type, []);
      else names.delete(n);
    },
    fail(name, type, mode) {
      failures.set(`${norm(name)}|${type}`, mode);
    },
    clearFailures() {
      failures.clear();
    },
    addZone,
    async stop() {
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise<void>((r) => udpSocket.close(() => r())), new Promise<void>((r) => tcpServer.close(() => r()))]);
    },
  };
}
