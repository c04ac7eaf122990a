import {parseNow} from '../src/core/time/parse-now.js';
import {RECORDED_AT} from './recorded-dataset.js';

/**
 * The simulator's "now": `MMS_NOW` when set (so it agrees with the mms run it serves), else the moment the
 * recordings were made for recorded data (so "yesterday" is a recorded day), else the system clock.
 */
export function simulatorClock(env: NodeJS.ProcessEnv, synthetic: boolean): {now: () => number; fixed: number | undefined} {
  const fixed = env.MMS_NOW ? parseNow(env.MMS_NOW) : synthetic ? undefined : parseNow(RECORDED_AT);
  return {now: fixed === undefined ? Date.now : () => fixed, fixed};
}
