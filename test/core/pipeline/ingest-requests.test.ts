import {setTimeout as sleep} from 'node:timers/promises';
import test from 'ava';
import {validate} from '../../../src/config/load-config.js';
import {BUNDLED_DEFAULTS} from '../../../src/container/bundled-plugins.js';
import {buildContainer, closeContainer} from '../../../src/container/build-container.js';
import type {IngestService} from '../../../src/core/pipeline/ingest-service.js';
import {TOKENS} from '../../../src/core/tokens.js';
import {stderrLogger} from '../../../src/logger/stderr-logger.js';
import {type Fault, FaultPlan} from '../../../simulator/fault-plan.js';
import {recordedDataset} from '../../../simulator/recorded-dataset.js';
import {startSimulator} from '../../../simulator/start-simulator.js';
import {tempDir} from '../../helpers/temp-dir.js';

const NOW = Date.parse('2022-04-27T12:00:00Z');

/** The first load of one pair: 564 bars in two requests (500 + 64); retry.limit 4, so up to 5 attempts each. */
const REQUEST_COUNTS: ReadonlyArray<{name: string; faults: Fault[]; timeoutMs?: number; status: string; requests: number}> = [
  {name: 'both pages answered at once: one per page', faults: [], status: 'written', requests: 2},
  {name: 'the first page answered after a 503: 2 for it, 1 for the second', faults: [{type: 'down', requests: 1}], status: 'written', requests: 3},
  {name: 'every attempt a 503: the 5 attempts', faults: [{type: 'down'}], status: 'failed', requests: 5},
  {name: 'the second page failing after the first: 1 + its 5 attempts', faults: [{type: 'down', after: 1}], status: 'failed', requests: 6},
  // A timeout long enough that a loaded machine still sends each attempt before giving up on it.
  {name: 'every attempt timed out: the 5 attempts', faults: [{type: 'slow', delayMs: 3000}], timeoutMs: 400, status: 'failed', requests: 5},
  {name: 'an invalid answer: the 1 attempt that got it', faults: [{type: 'malformed-json'}], status: 'failed', requests: 1},
  {name: 'a 503, then an invalid answer: both attempts', faults: [{type: 'down', requests: 1}, {type: 'malformed-json'}], status: 'failed', requests: 2},
];

for (const {name, faults, timeoutMs = 30_000, status, requests} of REQUEST_COUNTS) {
  test(`a pair's requests count every HTTP attempt sent, retries and failures included (${name})`, async (t) => {
    const simulator = await startSimulator({dataset: recordedDataset(), now: () => NOW, faults: new FaultPlan(faults)});
    t.teardown(() => simulator.close());
    const config = validate(
      'test config',
      await tempDir(t),
      {
        pairs: ['BRLBTC'],
        source: {use: 'mercado-bitcoin', baseUrl: `${simulator.url}/api/v4`, minIntervalMs: 0, timeoutMs, retry: {limit: 4, baseDelayMs: 10, maxDelayMs: 50}},
      },
      BUNDLED_DEFAULTS,
    );
    const container = await buildContainer({config, clock: {now: () => NOW}, logger: stderrLogger('silent')});
    t.teardown(() => closeContainer(container));
    const result = await (await container.getAsync<IngestService>(TOKENS.IngestService)).run();
    t.like(result.pairs[0], {pair: 'BRLBTC', status, requests});
    // An attempt given up on may still be on its way to the simulator when the run returns.
    for (const until = Date.now() + 2000; simulator.requests < requests && Date.now() < until; ) await sleep(20);
    t.is(simulator.requests, requests, 'the simulator saw as many requests');
  });
}
