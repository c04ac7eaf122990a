import type {Candle} from '../src/core/contracts/candle.js';

/** Where the simulator's candles come from: recorded MB responses or a seeded synthetic series. */
export interface SimulatorDataset {
  readonly description: string;
  hasPair(pair: string): boolean;
  /** Whether bars of `step` seconds can be served (recorded data is daily only). */
  supportsStep(step: number): boolean;
  /**
   * Bars with `from <= timestamp <= to` as MB would serve them at `nowSeconds`: complete ones, plus the
   * running bucket (partial, still changing) when it falls in the range. Never a bar from the future.
   */
  candles(pair: string, step: number, from: number, to: number, nowSeconds: number): Candle[];
}
