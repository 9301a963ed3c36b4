// Message bodies of a SQLite node, kept in append-only files beside the database instead
// of in its pages. In SQLite a 100 KB body is written twice (into the WAL, then by the
// checkpoint into the database file), checksummed per page and its pages allocated and
// freed again; relaying 100 KB messages, that was a quarter of the node's CPU. Appended to
// a file, a commit's bodies are a write each and one fdatasync, made before the commit of
// their rows: a row that names a file and an offset is durable only after its bytes are.
//
// Files (`<writer>-<n>.seg` in `<database>-bodies/`) are written by one writer each (the
// spool's writer thread, sqlite-spool-worker.ts) and closed after 64 MB or 5 minutes. A
// closed file goes once no row names it. The bodies still alive a minute after their file
// closed (mail in retry, scheduled mail) are copied into their rows, so that one deferred
// message never keeps 64 MB of delivered mail on disk, and the file goes then.
import { randomBytes } from 'node:crypto';
import { closeSync, fdatasyncSync, fsyncSync, mkdirSync, openSync, readdirSync, readSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import type { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';

const INLINE_PER_SWEEP = 256;
const INLINE_PER_COMMIT = 32;

export function bodyFilesDir(dbFile: string): string {
  return `${dbFile}-bodies`;
}

export interface BodyFileLimits {
  /** close the file being written once it holds this much (default 64 MB) */
  maxBytes?: number;
  /** or once it is this old (default 5 minutes) */
  maxAgeMs?: number;
  /** copy the live bodies of a closed file into the database after this long (default 60 s) */
  inlineAfterMs?: number;
  /**
   * another writer's file (a previous run's, say) is left alone until it is this old
   * (default 15 minutes, three times maxAgeMs: a live writer never appends to a file older
   * than maxAgeMs, so by then nobody can still be writing it)
   */
  foreignAfterMs?: number;
  now?: () => number;
}

export interface BodyLocation {
  file: string;
  offset: number;
}

export class BodyFileWriter {
  readonly dir: string;
  readonly tag = randomBytes(6).toString('hex');
  readonly #limits: Required<Omit<BodyFileLimits, 'now'>>;
  readonly #now: () => number;
  #seq = 0;
  #fd = -1;
  #name = '';
  #size = 0;
  #openedAt = 0;
  /** this writer's closed files, with when they closed */
  readonly #closed = new Map<string, number>();
  #lastForeignLook = Number.NEGATIVE_INFINITY;

  constructor(dbFile: string, limits: BodyFileLimits = {}) {
    this.dir = bodyFilesDir(dbFile);
    this.#now = limits.now ?? Date.now;
    const maxAgeMs = limits.maxAgeMs ?? 5 * 60_000;
    this.#limits = {
      maxBytes: limits.maxBytes ?? 64 * 1024 * 1024,
      maxAgeMs,
      inlineAfterMs: limits.inlineAfterMs ?? 60_000,
      foreignAfterMs: limits.foreignAfterMs ?? 3 * maxAgeMs,
    };
    mkdirSync(this.dir, { recursive: true });
  }

  /** Appends the bodies and makes them durable; returns where each one is. */
  append(bodies: readonly Uint8Array[]): BodyLocation[] {
    if (bodies.length === 0) return [];
    const now = this.#now();
    if (this.#fd < 0 || this.#size >= this.#limits.maxBytes || now - this.#openedAt >= this.#limits.maxAgeMs) this.#roll(now);
    const out: BodyLocation[] = [];
    for (const b of bodies) {
      out.push({ file: this.#name, offset: this.#size });
      let done = 0;
      while (done < b.byteLength) done += writeSync(this.#fd, b, done, b.byteLength - done, this.#size + done);
      this.#size += b.byteLength;
    }
    fdatasyncSync(this.#fd);
    return out;
  }

  #roll(now: number): void {
    if (this.#fd >= 0) {
      closeSync(this.#fd);
      this.#closed.set(this.#name, now);
    }
    this.#name = `${this.tag}-${++this.#seq}.seg`;
    this.#fd = openSync(join(this.dir, this.#name), 'wx');
    this.#size = 0;
    this.#openedAt = now;
    // the new file's name must survive a crash as well as its bytes
    const d = openSync(this.dir, 'r');
    try {
      fsyncSync(d);
    } finally {
      closeSync(d);
    }
  }

  /**
   * Deletes closed files no row names any more, and moves into the database the bodies of
   * files closed long enough ago. Runs on the connection that writes the rows.
   */
  sweep(db: DatabaseSync): void {
    const now = this.#now();
    const candidates = new Map<string, 'own' | 'foreign'>();
    for (const name of this.#closed.keys()) candidates.set(name, 'own');
    if (now - this.#lastForeignLook >= 60_000) {
      this.#lastForeignLook = now;
      for (const name of readdirSync(this.dir)) {
        if (name.endsWith('.seg') && !name.startsWith(`${this.tag}-`)) candidates.set(name, 'foreign');
      }
    }
    if (candidates.size === 0) return;
    const live = new Set((db.prepare('select distinct file from bodies where file is not null').all() as { file: string }[]).map((r) => r.file));
    for (const [name, whose] of candidates) {
      // how long the file has been closed, as far as this writer can tell
      let closedFor: number;
      if (whose === 'own') closedFor = now - this.#closed.get(name)!;
      else {
        let mtime: number;
        try {
          mtime = statSync(join(this.dir, name)).mtimeMs;
        } catch {
          continue; // gone already
        }
        if (Date.now() - mtime < this.#limits.foreignAfterMs) continue;
        closedFor = Number.POSITIVE_INFINITY;
      }
      if (live.has(name)) {
        if (closedFor < this.#limits.inlineAfterMs) continue;
        if (!this.#inline(db, name)) continue;
      }
      try {
        unlinkSync(join(this.dir, name));
      } catch {
        // another writer removed it first
      }
      this.#closed.delete(name);
    }
  }

  /**
   * Copies bodies still in `name` into their rows, at most INLINE_PER_SWEEP of them, in
   * small transactions (the spool's commits wait meanwhile); true once none is left there.
   */
  #inline(db: DatabaseSync, name: string): boolean {
    const rows = db.prepare(`select id, file_offset, size from bodies where file = ? limit ${INLINE_PER_SWEEP + 1}`).all(name) as { id: number; file_offset: number; size: number }[];
    let fd: number;
    try {
      fd = openSync(join(this.dir, name), 'r');
    } catch {
      return false;
    }
    try {
      const update = db.prepare('update bodies set raw = ?, file = null, file_offset = null where id = ? and file = ?');
      const todo = rows.slice(0, INLINE_PER_SWEEP);
      for (let i = 0; i < todo.length; i += INLINE_PER_COMMIT) {
        db.exec('BEGIN IMMEDIATE');
        try {
          for (const r of todo.slice(i, i + INLINE_PER_COMMIT)) update.run(readExactly(fd, Number(r.file_offset), Number(r.size)), r.id, name);
          db.exec('COMMIT');
        } catch (err) {
          db.exec('ROLLBACK');
          throw err;
        }
      }
      return rows.length <= INLINE_PER_SWEEP;
    } finally {
      closeSync(fd);
    }
  }

  close(): void {
    try {
      if (this.#fd >= 0) closeSync(this.#fd);
    } catch {
      // already unusable: that is why it is being closed
    }
    this.#fd = -1;
  }
}

function readExactly(fd: number, offset: number, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let done = 0;
  while (done < size) {
    const n = readSync(fd, buf, done, size - done, offset + done);
    if (n === 0) throw new Error(`body file ends before ${offset + size}`);
    done += n;
  }
  return buf;
}

/** How many body files there are and how many bytes they hold (for /metrics). */
export async function bodyFilesUsage(dbFile: string): Promise<{ files: number; bytes: number }> {
  const dir = bodyFilesDir(dbFile);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.seg'));
  } catch {
    return { files: 0, bytes: 0 }; // none yet
  }
  let bytes = 0;
  for (const n of names) bytes += await stat(join(dir, n)).then((s) => s.size, () => 0);
  return { files: names.length, bytes };
}

/**
 * Reads bodies from one file, opened once (on the event loop's side: asynchronously). Each
 * span gives its bytes or why not (a body cut short); a file that cannot be opened throws.
 */
export async function readBodyFile(dbFile: string, file: string, spans: readonly { offset: number; size: number }[]): Promise<(Buffer | Error)[]> {
  const fh = await open(join(bodyFilesDir(dbFile), file), 'r');
  try {
    const out: (Buffer | Error)[] = [];
    for (const { offset, size } of spans) {
      const buf = Buffer.allocUnsafeSlow(size);
      let done = 0;
      while (done < size) {
        const { bytesRead } = await fh.read(buf, done, size - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      out.push(done === size ? buf : new Error(`body file ${file} ends before ${offset + size}`));
    }
    return out;
  } finally {
    await fh.close();
  }
}
