import test from 'ava';
import {parse} from 'csv-parse/sync';
import {exportHeader, exportLines} from '../../../src/core/export/export-format.js';

const columns = [{name: 'pair'}, {name: 'note'}, {name: 'value'}, {name: 'price', decimal: true}];
const rows = [
  {pair: 'BRLBTC', note: 'a "quoted", comma\nand line', value: 0.1 + 0.2, price: '123456789012.12345678'},
  {pair: 'BRLETH', note: null, value: null, price: '1e-7'},
];

test('CSV: a header, numbers as their shortest round-trip decimal, no value as an empty field, text quoted when it must be', (t) => {
  const text = exportHeader('csv', columns) + exportLines('csv', columns, rows);
  t.deepEqual(parse(text, {columns: true}), [
    {pair: 'BRLBTC', note: 'a "quoted", comma\nand line', value: '0.30000000000000004', price: '123456789012.12345678'},
    {pair: 'BRLETH', note: '', value: '', price: '1e-7'},
  ]);
});

test('NDJSON: one object per line, null for no value, decimal texts as JSON numbers with every digit', (t) => {
  t.is(exportHeader('ndjson', columns), '');
  const lines = exportLines('ndjson', columns, rows).trimEnd().split('\n');
  t.is(lines[0], '{"pair":"BRLBTC","note":"a \\"quoted\\", comma\\nand line","value":0.30000000000000004,"price":123456789012.12345678}');
  t.deepEqual(JSON.parse(lines[1]!), {pair: 'BRLETH', note: null, value: null, price: 1e-7});
});
