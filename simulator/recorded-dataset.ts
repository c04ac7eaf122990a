import {existsSync, readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import type {Candle} from '../src/core/contracts/candle.js';
import type {SimulatorDataset} from './simulator-dataset.js';

/** Real MB responses (see fixtures/mb-recorded/PROVENANCE.md): BRLBTC and BRLETH, 2020-01-01 .. 2022-04-27. */
export const RECORDED_FILE = findFixture('fixtures/mb-recorded/elissonalvesilva__mb-challenge__db.json');

/** Moment the recordings were made (the later of the two responses): a natural default "now". */
export const RECORDED_AT = '2022-04-27T22:02:04Z';

interface RecordedResponse {
  server_unix_timestamp: number;
  candles: Candle[];
}

interface RecordedPair {
  /** Candles whose day had closed when recorded. */
  complete: Candle[];
  /** The day that was still running when recorded (its close changed later). */
  running: Candle | undefined;
}

const DAY = 86_400;

export function recordedDataset(file = RECORDED_FILE): SimulatorDataset {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, RecordedResponse>;
  const pairs = new Map<string, RecordedPair>();
  for (const [pair, response] of Object.entries(raw)) {
    const recordedAt = response.server_unix_timestamp;
    pairs.set(pair, {
      complete: response.candles.filter((c) => c.timestamp + DAY <= recordedAt),
      running: response.candles.find((c) => c.timestamp <= recordedAt && recordedAt < c.timestamp + DAY),
    });
  }
  return {
    description: `recorded MB daily candles (${[...pairs.keys()].join(', ')}), 2020-01-01 .. 2022-04-26 complete`,
    hasPair: (pair) => pairs.has(pair),
    supportsStep: (step) => step === DAY,
    candles(pair, _step, from, to, nowSeconds) {
      const data = pairs.get(pair);
      if (!data) return [];
      const served = data.complete.filter((c) => c.timestamp >= from && c.timestamp <= to && c.timestamp + DAY <= nowSeconds);
      // Only the recorded partial day can stand in for the running bucket; other days were complete when recorded.
      const running = data.running;
      if (running && running.timestamp >= from && running.timestamp <= to && running.timestamp <= nowSeconds && nowSeconds < running.timestamp + DAY) {
        served.push(running);
      }
      return served;
    },
  };
}

/** The package's fixtures folder, whether this module runs from source or from `dist/`. */
function findFixture(relative: string): string {
  const candidates = ['../', '../../'].map((up) => fileURLToPath(new URL(up + relative, import.meta.url)));
  return candidates.find((path) => existsSync(path)) ?? candidates[0]!;
}
