import {readdir, readFile, writeFile} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import test from 'ava';
import type {FailedWindow, LedgerState} from '../../../src/core/contracts/state-store.js';
import {SinkError} from '../../../src/core/errors/sink-error.js';
import {FileStateStore} from '../../../src/core/state/file-state-store.js';
import {tempDir} from '../../helpers/temp-dir.js';

const failure = (pair: string, attempts: number): FailedWindow => ({
  pair,
  resolution: '1d',
  from: 1_650_000_000,
  to: 1_650_086_400,
  kind: 'transient',
  message: 'down',
  attempts,
  firstFailedAt: '2022-04-27T00:00:00.000Z',
  lastTriedAt: '2022-04-27T00:00:00.000Z',
  status: 'pending',
});

test("runs of disjoint pairs saving one state file at the same time keep each other's entries", async (t) => {
  const path = join(await tempDir(t), 'mms.state.json');
  // Two handles, as two processes have: each loads everything, changes its pair, saves its pair.
  const save = async (pair: string, attempts: number) => {
    const store = new FileStateStore(path);
    const state = await store.load();
    const next: LedgerState = {...state, failures: [...state.failures.filter((f) => f.pair !== pair), failure(pair, attempts)]};
    await store.save(next, [pair]);
  };
  await Promise.all(Array.from({length: 20}, (_, i) => [save('BRLBTC', i + 1), save('BRLETH', i + 1)]).flat());
  const {failures} = await new FileStateStore(path).load();
  t.deepEqual(failures.map((f) => f.pair).sort(), ['BRLBTC', 'BRLETH']);
});

test('a state file that is not mms state is refused with what to do, never overwritten', async (t) => {
  const path = join(await tempDir(t), 'mms.state.json');
  const foreign = '{"something": "else"}\n';
  await writeFile(path, foreign);
  const store = new FileStateStore(path);
  const error = await t.throwsAsync(store.save({version: 1, failures: [failure('BRLBTC', 1)], holes: []}, ['BRLBTC']), {instanceOf: SinkError});
  t.regex(error.message, /is not an mms state file .* fix it, or move it away/);
  t.is(await readFile(path, 'utf8'), foreign, 'the file keeps its bytes');
  t.deepEqual(await readdir(dirname(path)), ['mms.state.json'], 'no temporary file or write lock is left beside it');
});

test('a state file that is not valid JSON (torn by hand, or another tool) is refused with what to do, never overwritten', async (t) => {
  const path = join(await tempDir(t), 'mms.state.json');
  const torn = '{"version": 1, "failures": [{"pair": "BRL';
  await writeFile(path, torn);
  const error = await t.throwsAsync(new FileStateStore(path).save({version: 1, failures: [failure('BRLBTC', 1)], holes: []}, ['BRLBTC']), {
    instanceOf: SinkError,
  });
  t.regex(error.message, /state file .* is not valid JSON .*; fix it, or move it away to forget the queued retries/);
  t.is(await readFile(path, 'utf8'), torn, 'the file keeps its bytes');
});
