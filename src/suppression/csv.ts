// Bulk import and export of suppression lists as CSV (RFC 4180, via csv-parse/stringify).
// Export columns: email,scope,scope_value,reason,origin,detail,created_at. Import needs an
// `email` (or `address`) column; the others are optional and default from the request, so
// a plain one-column list of addresses (with or without a header) imports too.
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Suppression, SuppressionInput } from '../store/suppressions-repo.ts';

export const EXPORT_COLUMNS = ['email', 'scope', 'scope_value', 'reason', 'origin', 'detail', 'created_at'] as const;

export function suppressionsToCsv(entries: Suppression[], withHeader = true): string {
  const rows = entries.map((e) => [e.address, e.scope, e.scopeValue, e.reason, e.origin, e.detail ?? '', new Date(e.createdAt).toISOString()]);
  return stringify(withHeader ? [[...EXPORT_COLUMNS], ...rows] : rows);
}

export interface CsvImport {
  inputs: SuppressionInput[];
  /** line numbers (1-based) with what is wrong */
  errors: { line: number; message: string }[];
}

export const MAX_IMPORT_ROWS = 100_000;

export function csvToSuppressions(text: string, defaults: Pick<SuppressionInput, 'reason' | 'origin' | 'scope' | 'scopeValue'>): CsvImport {
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: true, trim: true, bom: true, to: MAX_IMPORT_ROWS + 1 }) as string[][];
  } catch (err) {
    return { inputs: [], errors: [{ line: 0, message: `not valid CSV: ${(err as Error).message}` }] };
  }
  if (records.length === 0) return { inputs: [], errors: [] };
  const first = records[0].map((c) => c.toLowerCase());
  const hasHeader = first.includes('email') || first.includes('address');
  const col = (name: string) => (hasHeader ? first.indexOf(name) : -1);
  const iEmail = hasHeader ? Math.max(col('email'), col('address')) : 0;
  const iScope = col('scope');
  const iValue = col('scope_value');
  const iReason = col('reason');
  const iDetail = col('detail');
  const inputs: SuppressionInput[] = [];
  const errors: CsvImport['errors'] = [];
  const body = hasHeader ? records.slice(1) : records;
  if (body.length > MAX_IMPORT_ROWS) errors.push({ line: 0, message: `more than ${MAX_IMPORT_ROWS} rows: split the file` });
  body.slice(0, MAX_IMPORT_ROWS).forEach((r, k) => {
    const line = k + (hasHeader ? 2 : 1);
    const email = r[iEmail] ?? '';
    if (!email) {
      errors.push({ line, message: 'no email' });
      return;
    }
    const scope = (iScope >= 0 && r[iScope] ? r[iScope] : defaults.scope) as SuppressionInput['scope'];
    inputs.push({
      address: email,
      scope,
      scopeValue: iValue >= 0 && r[iValue] ? r[iValue] : scope === defaults.scope ? defaults.scopeValue : undefined,
      reason: (iReason >= 0 && r[iReason] ? r[iReason] : defaults.reason) as SuppressionInput['reason'],
      // Whoever imports is the origin: an import cannot claim to be the recipient or the system.
      origin: defaults.origin,
      detail: iDetail >= 0 && r[iDetail] ? r[iDetail] : null,
    });
  });
  return { inputs, errors };
}
