// Worker thread that performs the node's hot SQLite writes: spool commits (new mail) and
// delivery outcomes. node:sqlite is synchronous, so a commit (and its fsync) would
// otherwise stall the event loop that parses requests and drives SMTP connections; here
// it runs on the second core. Every write reaching this thread while it was busy shares
// the next transaction, so one fsync serves them all. New message bodies go to body files
// (body-files.ts) first, so the database holds rows only.
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { type BodyLocation, BodyFileWriter } from './body-files.ts';
import type { EventsTable } from './schema.ts';
import type { SpoolBatch } from './spool-repo.ts';
import { SQLITE_DONE_BODIES_SQL, SQLITE_OUTCOMES_SQL } from './sqlite-outcomes.ts';

/** What the main thread sends (spool-writer.ts). */
export type WriterJob =
  | { kind: 'spool'; id: number; batches: SpoolBatch[]; giveBack?: boolean }
  | { kind: 'outcomes'; id: number; now: number; rows: string; events: EventsTable[] };

const { file, maxWalBytes, walTooLong, bodyFiles } = workerData as { file: string; maxWalBytes: number; walTooLong?: Int32Array; bodyFiles?: boolean };
const db = new DatabaseSync(file);
// Checkpoints are the checkpointer thread's job (sqlite-checkpointer.ts), not the commits'.
db.exec(`PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=${maxWalBytes};`);

// The checkpointer's PASSIVE checkpoints copy the WAL into the database but never wait for
// this thread, and SQLite starts the WAL over only when a commit finds all of it copied: with
// commits every few milliseconds that moment never comes, and the WAL grew by 1 GB in 15 s
// of relaying 100 KB messages. So when the checkpointer flags the WAL as too long, this
// thread (the only writer) runs a RESTART checkpoint between two commits: it copies what
// PASSIVE has not yet (30-50 ms at 60 MB/s of mail) and the next commit writes the WAL from
// its start again, trimmed to journal_size_limit.
function boundWal(): void {
  if (!walTooLong || Atomics.load(walTooLong, 0) === 0) return;
  Atomics.store(walTooLong, 0, 0);
  try {
    db.exec('PRAGMA wal_checkpoint(RESTART)');
  } catch {
    // busy readers: the checkpointer flags it again
  }
}

// New bodies go to append-only files beside the database (body-files.ts), made durable
// before the rows that name them are committed. Made at the first write, and again after a
// failure (a directory that could not be created): meanwhile spool writes are refused.
let files: BodyFileWriter | undefined;
function bodyFileWriter(): BodyFileWriter {
  files ??= new BodyFileWriter(file);
  return files;
}
let lastSweep = 0;
function sweepFiles(): void {
  if (!files || Date.now() - lastSweep < 1000) return;
  lastSweep = Date.now();
  try {
    files.sweep(db);
  } catch (err) {
    process.emitWarning(`body files: ${(err as Error).message}`);
  }
}
if (bodyFiles !== false) {
  // at once, so that an idle node also sweeps what a previous run left
  try {
    bodyFileWriter();
  } catch {
    // the first spool write tries again and reports why
  }
  setInterval(sweepFiles, 1000).unref();
}

const EMPTY = new Uint8Array(0);

const stmts = new Map<string, StatementSync>();
function prepared(sql: string): StatementSync {
  let st = stmts.get(sql);
  if (!st) {
    st = db.prepare(sql);
    stmts.set(sql, st);
  }
  return st;
}

function insert(table: string, rows: Record<string, unknown>[]): void {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]);
  const st = prepared(`insert into "${table}" (${cols.map((c) => `"${c}"`).join(', ')}) values (${cols.map(() => '?').join(', ')})`);
  for (const r of rows) st.run(...(cols.map((c) => r[c] ?? null) as never[]));
}

/** One unit of work that succeeds or fails on its own: a spool batch, or a job's outcomes. */
type Unit = () => void;

function unitsOf(job: WriterJob, located: Map<object, BodyLocation>): Unit[] {
  if (job.kind === 'spool') {
    return job.batches.map((b) => () => {
      const bodies = b.bodies.map((body) => {
        const at = located.get(body);
        // the row's size is what reading it back takes: the bytes written, whatever was claimed
        return at ? { ...body, raw: EMPTY, size: (body.raw as Uint8Array).byteLength, file: at.file, file_offset: at.offset } : body;
      });
      insert('bodies', bodies as never);
      insert('messages', b.messages as never);
      insert('events', b.events as never);
    });
  }
  return [
    () => {
      prepared(SQLITE_OUTCOMES_SQL).run(job.now, job.rows);
      prepared(SQLITE_DONE_BODIES_SQL).run(job.rows);
      insert('events', job.events as never);
    },
  ];
}

/** All the units in one transaction: all durable, or (thrown) none. */
function commit(units: Unit[]): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    for (const u of units) u();
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}

/**
 * Commits the jobs together; returns, per job and unit, null when durable, else why not.
 * When the shared transaction fails, each unit is retried on its own, so one bad batch
 * does not fail its neighbours (the bodies may have been moved here: the caller could not
 * resend them).
 */
function commitAll(jobs: WriterJob[], located: Map<object, BodyLocation>): (string | null)[][] {
  const units = jobs.map((j) => unitsOf(j, located));
  try {
    commit(units.flat());
    return units.map((us) => us.map(() => null));
  } catch (err) {
    if (units.length === 1 && units[0].length === 1) return [[(err as Error).message]];
    return units.map((us) =>
      us.map((u) => {
        try {
          commit([u]);
          return null;
        } catch (e) {
          return (e as Error).message;
        }
      }),
    );
  }
}

function reply(job: WriterJob, errors: (string | null)[]): void {
  if (job.kind !== 'spool' || !job.giveBack) {
    parentPort!.postMessage({ id: job.id, errors });
    return;
  }
  // The caller delivers these messages from memory: hand the moved bodies back, in the
  // order they came (SQLite copied what it needed). Copied ones are returned too; the
  // caller only looks at the ones it moved.
  const back: ArrayBuffer[] = [];
  const seen = new Set<ArrayBufferLike>();
  for (const b of job.batches) {
    for (const body of b.bodies) {
      const buf = (body.raw as Uint8Array).buffer;
      if (!seen.has(buf)) {
        seen.add(buf);
        back.push(buf as ArrayBuffer);
      }
    }
  }
  parentPort!.postMessage({ id: job.id, errors, back }, back);
}

/** The new bodies of these jobs, appended to a body file and durable; or why not. */
function appendBodies(jobs: WriterJob[]): { located: Map<object, BodyLocation>; refused?: string } {
  const located = new Map<object, BodyLocation>();
  const bodies = bodyFiles === false ? [] : jobs.flatMap((j) => (j.kind === 'spool' ? j.batches.flatMap((b) => b.bodies) : []));
  if (bodies.length === 0) return { located };
  try {
    const at = bodyFileWriter().append(bodies.map((b) => b.raw as Uint8Array));
    for (const [i, b] of bodies.entries()) located.set(b, at[i]);
    return { located };
  } catch (err) {
    // start over with new files; what the old ones hold is swept as another writer's
    files?.close();
    files = undefined;
    return { located, refused: `body file: ${(err as Error).message}` };
  }
}

// Take everything already waiting along with the first job: these are the writes that
// arrived during the previous commit, and they share this one.
const MAX_JOBS_PER_COMMIT = 256;
parentPort!.on('message', (first: WriterJob) => {
  const jobs = [first];
  while (jobs.length < MAX_JOBS_PER_COMMIT) {
    const next = receiveMessageOnPort(parentPort!);
    if (!next) break;
    jobs.push(next.message as WriterJob);
  }
  const { located, refused } = appendBodies(jobs);
  // Bodies that could not be made durable: their batches are refused, the rest commits.
  const commitNow = refused === undefined ? jobs : jobs.filter((j) => j.kind !== 'spool');
  const errors = commitAll(commitNow, located);
  for (const job of jobs) {
    const i = commitNow.indexOf(job);
    reply(job, i >= 0 ? errors[i] : job.kind === 'spool' ? job.batches.map(() => refused!) : []);
  }
  boundWal();
  sweepFiles();
});
