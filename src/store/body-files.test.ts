import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { BodyFileWriter, bodyFilesDir, bodyFilesUsage, readBodyFile } from './body-files.ts';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'bodyfiles-'));
  const file = join(dir, 'relais.db');
  const db = new DatabaseSync(file);
  db.exec('create table bodies (id integer primary key, raw blob not null, size integer, file text, file_offset integer)');
  let now = 1_000_000;
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const row = (id: number, at: { file: string; offset: number }, size: number) =>
    db.prepare('insert into bodies (id, raw, size, file, file_offset) values (?, ?, ?, ?, ?)').run(id, new Uint8Array(0), size, at.file, at.offset);
  /** asserts that body `id` is in its row now, as `text`, and names no file */
  const inRow = (id: number, text: string) => {
    const r = db.prepare('select raw, file, file_offset from bodies where id = ?').get(id) as { raw: Uint8Array; file: string | null; file_offset: number | null };
    assert.equal(Buffer.from(r.raw).toString(), text);
    assert.deepEqual([r.file, r.file_offset], [null, null]);
  };
  const done = () => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { dir, file, db, clock, row, inRow, done };
}

async function withFiles(fn: (t: ReturnType<typeof setup>) => void | Promise<void>): Promise<void> {
  const t = setup();
  try {
    await fn(t);
  } finally {
    t.done();
  }
}

const files = (dir: string) => readdirSync(dir).sort();

test('bodies appended to a file read back byte for byte, one after another, with a new file past the size limit', () =>
  withFiles(async (t) => {
    const w = new BodyFileWriter(t.file, { maxBytes: 221, now: t.clock.now });
    const a = Buffer.alloc(100, 'a');
    const b = Buffer.from('b'.repeat(120));
    const [la, lb] = w.append([a, b]);
    assert.equal(la!.file, lb!.file);
    assert.deepEqual([la!.offset, lb!.offset], [0, 100]);
    const [lc] = w.append([Buffer.from('ccc')]);
    assert.equal(lc!.file, la!.file, '220 bytes so far, under 221: the same file');
    const [ld] = w.append([Buffer.from('dddd')]);
    assert.notEqual(ld!.file, la!.file, '223 bytes, past 221: a new file');
    assert.equal(ld!.offset, 0);
    assert.deepEqual(await readBodyFile(t.file, la!.file, [{ offset: la!.offset, size: 100 }, { offset: lb!.offset, size: 120 }]), [a, b]);
    const [d, short] = await readBodyFile(t.file, ld!.file, [{ offset: 0, size: 4 }, { offset: 0, size: 5 }]);
    assert.equal(String(d), 'dddd');
    assert.match(String(short), /ends before/, 'a body cut short is an error, not short bytes');
    await assert.rejects(readBodyFile(t.file, 'ffffffffffff-1.seg', [{ offset: 0, size: 1 }]), /ENOENT/);
    assert.deepEqual(await bodyFilesUsage(t.file), { files: 2, bytes: 227 }, 'what /metrics reports');
    assert.deepEqual(await bodyFilesUsage(join(t.dir, 'other.db')), { files: 0, bytes: 0 }, 'no directory yet');
    w.close();
  }));

test('a closed file goes once no row names it; the file being written stays', () =>
  withFiles(async (t) => {
    const w = new BodyFileWriter(t.file, { maxBytes: 10, now: t.clock.now });
    const [first] = w.append([Buffer.alloc(20, 1)]);
    t.row(1, first!, 20);
    const [second] = w.append([Buffer.alloc(20, 2)]); // closes the first file
    w.sweep(t.db);
    assert.ok(existsSync(join(w.dir, first!.file)), 'a row still names it');
    t.db.prepare('delete from bodies where id = 1').run();
    w.sweep(t.db);
    assert.equal(existsSync(join(w.dir, first!.file)), false, 'nobody needs it');
    assert.ok(existsSync(join(w.dir, second!.file)), 'the current file is never swept');
    w.close();
  }));

test('bodies still alive a minute after their file closed move into their rows, and the file goes', () =>
  withFiles(async (t) => {
    const w = new BodyFileWriter(t.file, { maxBytes: 10, inlineAfterMs: 60_000, now: t.clock.now });
    const body = Buffer.from('a deferred message\r\n');
    const [at] = w.append([body]);
    t.row(7, at!, body.length);
    w.append([Buffer.alloc(1)]); // closes it
    t.clock.advance(59_000);
    w.sweep(t.db);
    assert.ok(existsSync(join(w.dir, at!.file)), 'not yet');
    t.clock.advance(2_000);
    w.sweep(t.db);
    assert.equal(existsSync(join(w.dir, at!.file)), false);
    t.inRow(7, body.toString());
    w.close();
  }));

test("another writer's files (a previous run's) are left alone while recent, then swept or moved into their rows", () =>
  withFiles(async (t) => {
    const old = new BodyFileWriter(t.file, { now: t.clock.now });
    const [kept] = old.append([Buffer.from('still queued')]);
    t.row(1, kept!, 12);
    old.close();
    writeFileSync(join(bodyFilesDir(t.file), 'ffffffffffff-1.seg'), 'nobody needs this');
    const w = new BodyFileWriter(t.file, { now: t.clock.now, foreignAfterMs: 15 * 60_000 });
    w.append([Buffer.from('new')]);
    w.sweep(t.db);
    assert.equal(files(w.dir).length, 3, 'recent: another writer may still be using them');
    const past = (Date.now() - 16 * 60_000) / 1000;
    utimesSync(join(w.dir, kept!.file), past, past);
    utimesSync(join(w.dir, 'ffffffffffff-1.seg'), past, past);
    t.clock.advance(61_000); // foreign files are listed once a minute
    w.sweep(t.db);
    assert.deepEqual(files(w.dir), [`${w.tag}-1.seg`]);
    t.inRow(1, 'still queued');
    w.close();
  }));

test('a file that holds many live bodies moves into the database a bounded number at a time', () =>
  withFiles(async (t) => {
    const w = new BodyFileWriter(t.file, { maxBytes: 1_000_000, inlineAfterMs: 0, now: t.clock.now });
    const at = w.append(Array.from({ length: 300 }, (_, i) => Buffer.from(`body ${i}`)));
    for (const [i, l] of at.entries()) t.row(i + 1, l, Buffer.byteLength(`body ${i}`));
    t.clock.advance(10 * 60_000); // past maxAgeMs: the next append closes the file
    w.append([Buffer.from('x')]);
    w.sweep(t.db);
    const left = () => (t.db.prepare('select count(*) as n from bodies where file is not null').get() as { n: number }).n;
    assert.equal(left(), 44, '256 moved in the first sweep');
    assert.ok(existsSync(join(w.dir, at[0]!.file)));
    w.sweep(t.db);
    assert.equal(left(), 0);
    assert.equal(existsSync(join(w.dir, at[0]!.file)), false);
    const all = t.db.prepare('select id, raw from bodies order by id').all() as { id: number; raw: Uint8Array }[];
    assert.ok(all.every((r) => Buffer.from(r.raw).toString() === `body ${r.id - 1}`));
    w.close();
  }));
