import type {Clock} from '../core/contracts/clock.js';
import {parseNow} from '../core/time/parse-now.js';

/** The wall clock, or a fixed instant when `MMS_NOW` is set (reproducible runs, tests, demos). */
export function systemClock(env: NodeJS.ProcessEnv = process.env): Clock {
  const fixed = env.MMS_NOW ? parseNow(env.MMS_NOW) : undefined;
  return {now: fixed === undefined ? Date.now : () => fixed};
}
