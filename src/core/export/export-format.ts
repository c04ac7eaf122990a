/** The formats `mms export` writes (Parquet aside): CSV (RFC 4180, a header row) and NDJSON (one JSON object per line). */
export const EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A value of an exported row: a number, a decimal kept as text (a raw candle's), other text, or no value. */
export type ExportValue = number | string | null | undefined;

/** An exported column: its name, and whether its text values are decimals (written as JSON numbers). */
export interface ExportColumn {
  readonly name: string;
  readonly decimal?: boolean;
}

/** JSON's number grammar: a decimal text that matches it is written into NDJSON as it is, every digit kept. */
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** The first line of a file of this format: the CSV header, nothing for NDJSON. */
export function exportHeader(format: ExportFormat, columns: readonly ExportColumn[]): string {
  return format === 'csv' ? `${columns.map((c) => csvField(c.name)).join(',')}\n` : '';
}

/**
 * Rows as lines of the format. CSV: numbers as the shortest decimal that gives their float64 back, decimal
 * texts as received, no value as an empty field, text quoted when it must be. NDJSON: the same values as
 * JSON, `null` for no value, decimal texts as JSON numbers with every digit.
 */
export function exportLines(format: ExportFormat, columns: readonly ExportColumn[], rows: ReadonlyArray<Readonly<Record<string, ExportValue>>>): string {
  let text = '';
  for (const row of rows) {
    if (format === 'csv') {
      text += `${columns.map((c) => csvValue(row[c.name])).join(',')}\n`;
      continue;
    }
    text += `{${columns.map((c) => `${JSON.stringify(c.name)}:${jsonValue(row[c.name], c.decimal === true)}`).join(',')}}\n`;
  }
  return text;
}

function csvValue(value: ExportValue): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'number' ? String(value) : csvField(value);
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function jsonValue(value: ExportValue, decimal: boolean): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (decimal && JSON_NUMBER.test(value)) return value;
  if (decimal) return String(Number(value));
  return JSON.stringify(value);
}
