// Attachment rules: file types that run code, archives hiding them, and zip bombs.
import type { AttachmentInfo } from '../types.ts';
import { isZip, readZipDirectory } from './zip.ts';

/** Extensions mail providers block or quarantine (Gmail's blocked list, Outlook level-1). */
export const DANGEROUS_EXTENSIONS = new Set([
  'exe', 'scr', 'com', 'pif', 'bat', 'cmd', 'vbs', 'vbe', 'js', 'jse', 'wsf', 'wsh', 'wsc', 'hta', 'msi', 'msp', 'mst',
  'jar', 'lnk', 'cpl', 'reg', 'ps1', 'psm1', 'dll', 'sys', 'inf', 'iso', 'img', 'vhd', 'vhdx', 'appx', 'msix', 'gadget',
  'docm', 'xlsm', 'pptm', 'dotm', 'xlam', 'sldm', 'application', 'apk', 'app', 'sh', 'chm', 'scf', 'url', 'xll', 'one',
]);
const DANGEROUS_TYPES = /application\/(x-msdownload|x-msdos-program|x-ms-installer|x-executable|x-sh|java-archive|hta|x-ms-shortcut)/i;

export interface AttachmentFinding {
  rule: 'ATTACH_DANGEROUS' | 'ATTACH_ARCHIVE_DANGEROUS' | 'ATTACH_ZIP_BOMB';
  matched: string;
  detail: string;
}

function ext(name: string): string {
  const i = name.lastIndexOf('.');
  return i < 0 ? '' : name.slice(i + 1).toLowerCase().trim();
}

const BOMB_TOTAL = 1024 ** 3; // 1 GiB expanded
const BOMB_RATIO = 200;

export function checkAttachments(list: AttachmentInfo[]): AttachmentFinding[] {
  const out: AttachmentFinding[] = [];
  for (const a of list.slice(0, 100)) {
    const name = a.filename || '(unnamed)';
    if (DANGEROUS_EXTENSIONS.has(ext(name)) || DANGEROUS_TYPES.test(a.contentType)) {
      out.push({ rule: 'ATTACH_DANGEROUS', matched: name, detail: a.contentType });
      continue;
    }
    if (!a.content || !isZip(a.content)) continue;
    const dir = readZipDirectory(a.content);
    if (!dir) continue;
    const ratio = dir.totalUncompressed / Math.max(1, a.content.length);
    if (dir.overlapping || dir.zip64 || dir.totalUncompressed > BOMB_TOTAL || (ratio > BOMB_RATIO && dir.totalUncompressed > 10 * 1024 ** 2)) {
      const why = dir.overlapping ? 'overlapping entries' : dir.zip64 ? 'zip64 sizes' : `${Math.round(dir.totalUncompressed / 1024 ** 2)} MB from ${Math.round(a.content.length / 1024)} KB`;
      out.push({ rule: 'ATTACH_ZIP_BOMB', matched: name, detail: why });
      continue;
    }
    const bad = dir.entries.find((e) => DANGEROUS_EXTENSIONS.has(ext(e.name)));
    if (bad) out.push({ rule: 'ATTACH_ARCHIVE_DANGEROUS', matched: name, detail: bad.name });
  }
  return out;
}
