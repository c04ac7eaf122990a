import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
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

test('runs of disjoint pairs saving one state file at the same time keep each other\'s entries', async (t) => {
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
  await writeFile(path, '{"something": "else"}');
  const store = new FileStateStore(path);
  const error = await t.throwsAsync(store.save({version: 1, failures: [failure('BRLBTC', 1)], holes: []}, ['BRLBTC']), {instanceOf: SinkError});
  t.regex(error.message, /is not an mms state file .* fix it, or move it away/);
});
