// Reads a ZIP archive's central directory without inflating anything, so a zip bomb costs
// no more than its own bytes: declared sizes, entry names and local-header offsets are
// enough to spot bombs (huge expansion, overlapping entries) and executables inside.

export interface ZipSummary {
  entries: { name: string; compressed: number; uncompressed: number }[];
  totalUncompressed: number;
  overlapping: boolean;
  zip64: boolean;
  truncated: boolean;
}

const MAX_ENTRIES = 10_000;

export function isZip(buf: Buffer): boolean {
  return buf.length >= 4 && buf.readUInt32LE(0) === 0x04034b50;
}

/** undefined when no central directory can be found (not a zip, or cut off). */
export function readZipDirectory(buf: Buffer): ZipSummary | undefined {
  const min = Math.max(0, buf.length - 65_557);
  let eocd = -1;
  for (let i = buf.length - 22; i >= min; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const count = buf.readUInt16LE(eocd + 10);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  const out: ZipSummary = { entries: [], totalUncompressed: 0, overlapping: false, zip64: count === 0xffff || cdOffset === 0xffffffff, truncated: false };
  const offsets = new Set<number>();
  let p = cdOffset;
  for (let n = 0; n < Math.min(count, MAX_ENTRIES); n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) {
      out.truncated = true;
      break;
    }
    const compressed = buf.readUInt32LE(p + 20);
    const uncompressed = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, Math.min(buf.length, p + 46 + nameLen));
    if (compressed === 0xffffffff || uncompressed === 0xffffffff) out.zip64 = true;
    if (offsets.has(local)) out.overlapping = true;
    offsets.add(local);
    out.entries.push({ name, compressed, uncompressed });
    out.totalUncompressed += uncompressed;
    p += 46 + nameLen + extraLen + commentLen;
  }
  if (count > MAX_ENTRIES) out.truncated = true;
  return out;
}
