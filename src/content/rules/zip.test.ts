import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkAttachments } from './attachments.ts';
import { readZipDirectory } from './zip.ts';
import { zipOf } from './zip-fixture.ts';

test('readZipDirectory lists entries and sizes', () => {
  const zip = zipOf([
    { name: 'a.txt', data: Buffer.from('hello') },
    { name: 'dir/b.pdf', data: Buffer.from('%PDF-1.4') },
  ]);
  const d = readZipDirectory(zip)!;
  assert.deepEqual(d.entries.map((e) => e.name), ['a.txt', 'dir/b.pdf']);
  assert.equal(d.totalUncompressed, 5 + 8);
  assert.equal(d.overlapping, false);
  assert.equal(readZipDirectory(Buffer.from('not a zip at all')), undefined);
});

test('checkAttachments: executables, executables in archives, bombs', () => {
  const exeZip = zipOf([{ name: 'readme.txt', data: Buffer.from('x') }, { name: 'setup.scr', data: Buffer.from('MZ') }]);
  const bomb = zipOf([{ name: 'zeros.bin', data: Buffer.alloc(1000), size: 2_000_000_000 }]);
  const clean = zipOf([{ name: 'photos/1.jpg', data: Buffer.alloc(5000, 1) }]);
  const table: [string, string, Buffer | undefined, string | undefined][] = [
    ['tool.exe', 'application/octet-stream', undefined, 'ATTACH_DANGEROUS'],
    ['Rechnung.pdf.js', 'text/javascript', undefined, 'ATTACH_DANGEROUS'],
    ['macro.docm', 'application/vnd.ms-word', undefined, 'ATTACH_DANGEROUS'],
    ['files.zip', 'application/zip', exeZip, 'ATTACH_ARCHIVE_DANGEROUS'],
    ['big.zip', 'application/zip', bomb, 'ATTACH_ZIP_BOMB'],
    ['photos.zip', 'application/zip', clean, undefined],
    ['invoice.pdf', 'application/pdf', undefined, undefined],
  ];
  for (const [filename, contentType, content, want] of table) {
    const f = checkAttachments([{ filename, contentType, size: content?.length ?? 100, content }]);
    assert.equal(f[0]?.rule, want, filename);
  }
});

test('overlapping entries (modern zip bombs) are detected', () => {
  const zip = zipOf([{ name: 'a', data: Buffer.from('x') }]);
  // duplicate the central directory entry so two entries share one local header
  const d = readZipDirectory(zip)!;
  assert.equal(d.overlapping, false);
  const cdStart = zip.readUInt32LE(zip.length - 22 + 16);
  const cdLen = zip.readUInt32LE(zip.length - 22 + 12);
  const cd = zip.subarray(cdStart, cdStart + cdLen);
  const end = Buffer.from(zip.subarray(zip.length - 22));
  end.writeUInt16LE(2, 8);
  end.writeUInt16LE(2, 10);
  end.writeUInt32LE(cdLen * 2, 12);
  const twice = Buffer.concat([zip.subarray(0, cdStart), cd, cd, end]);
  assert.equal(readZipDirectory(twice)!.overlapping, true);
});
