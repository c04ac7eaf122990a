import {rename, rm} from 'node:fs/promises';
import {basename, dirname, join} from 'node:path';
import {fileWriter, ParquetWriter} from 'hyparquet-writer';
import type {ExportColumn, ExportValue} from './export-format.js';

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];

/**
 * Writes pages of rows as a Parquet file at `path` (hyparquet-writer, snappy, a row group per page):
 * `timestamp` INT64, text columns UTF-8 strings, and the rest DOUBLE, null where a row has no value — except
 * decimal columns (a raw candle's prices), kept as UTF-8 text, every digit received, which a DOUBLE could not
 * hold. Written beside `path` and renamed once complete; a failure or an interruption removes it.
 */
export async function writeParquet(
  path: string,
  columns: readonly ExportColumn[],
  pages: AsyncIterable<ReadonlyArray<Record<string, ExportValue>>>,
): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const writer = new ParquetWriter({writer: fileWriter(temporary), schema: schemaOf(columns)});
  try {
    for await (const rows of pages) {
      const result = writer.write({
        columnData: columns.map((column) => ({name: column.name, data: rows.map((row) => parquetValue(column, row[column.name]))})),
        rowGroupSize: rows.length,
      });
      await result;
    }
    writer.finish();
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, {force: true});
    throw error;
  }
}

const TEXT = new Set(['pair', 'date']);

function schemaOf(columns: readonly ExportColumn[]): SchemaElement[] {
  return [
    {name: 'root', num_children: columns.length},
    ...columns.map((column): SchemaElement => {
      if (column.name === 'timestamp') return {name: column.name, type: 'INT64', repetition_type: 'REQUIRED'};
      if (TEXT.has(column.name)) return {name: column.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED'};
      if (column.decimal) return {name: column.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL'};
      return {name: column.name, type: 'DOUBLE', repetition_type: 'OPTIONAL'};
    }),
  ];
}

function parquetValue(column: ExportColumn, value: ExportValue): unknown {
  if (column.name === 'timestamp') return BigInt(value as number);
  if (value === undefined) return null;
  return value;
}
