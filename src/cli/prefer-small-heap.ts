import {setFlagsFromString} from 'node:v8';

/**
 * Asks V8 to size its heap for memory rather than speed, from here on. A batch command streams: its live
 * heap stays ~35 MB however long the backfill, but with its defaults V8 lets young and old generations
 * grow to hundreds of MB on a big machine before collecting, so a years-long backfill would peak at
 * 300+ MB of RSS and fail in a small container. Paced by the exchange, the job never misses the CPU this
 * costs (README, Performance: both figures). `mms serve` keeps V8's defaults: there speed matters.
 */
export function preferSmallHeap(): void {
  setFlagsFromString('--optimize-for-size');
}
