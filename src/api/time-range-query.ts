import type {Clock} from '../core/contracts/clock.js';
import {formatUtc} from '../core/time/format-utc.js';
import {lastCompleteBar} from '../core/time/last-complete-bar.js';
import type {ApiErrorBody} from './api-error.js';

export const DAY = 86_400;
/** Year 5138: any larger `from` or `to` is not Unix seconds (milliseconds, most likely). */
const MAX_SECONDS = 1e11;
/** How far back `from` may reach: 365 days before today's 00:00 UTC. */
export const MAX_AGE_DAYS = 365;

export interface TimeRangeQuery {
  from: number;
  to?: number;
}

/** The `from`/`to` query parameters every series route shares (`from` required, `to` default yesterday). */
export const timeRangeQuery = {
  // Bounded so that Infinity, 1e400 or milliseconds-sized numbers are mistakes, not dates.
  from: {type: 'integer', minimum: 0, maximum: MAX_SECONDS, description: `Unix seconds; at most ${MAX_AGE_DAYS} days before today (00:00 UTC)`},
  to: {type: 'integer', minimum: 0, maximum: MAX_SECONDS, description: 'Unix seconds, inclusive; default: yesterday (00:00 UTC)'},
} as const;

/** The server's day as every route sees it: today's and yesterday's 00:00 UTC, and the smallest `from` accepted. */
export interface TimeBounds {
  readonly today: number;
  readonly yesterday: number;
  readonly oldestFrom: number;
}

export function timeBounds(clock: Clock): TimeBounds {
  const yesterday = lastCompleteBar(clock.now(), DAY);
  const today = yesterday + DAY;
  return {today, yesterday, oldestFrom: today - MAX_AGE_DAYS * DAY};
}

/**
 * The inclusive range a validated query asks for, or the 400 that says why it cannot be answered: the rules
 * the schema cannot express (the 365-day horizon, `from` after `to`), one place for every route. `from` and
 * `to` are integers from 0 to 10^11 by then (decimal digits, then the schema's bounds).
 */
export function resolveTimeRange(query: TimeRangeQuery, clock: Clock): {from: number; to: number} | ApiErrorBody {
  const {from} = query;
  const {yesterday, oldestFrom: oldest} = timeBounds(clock);
  const to = query.to ?? yesterday;
  if (from < oldest) {
    return {
      error: 'from_too_old',
      message: `from ${from} (${formatUtc(from)}) is more than ${MAX_AGE_DAYS} days before today; the oldest accepted is ${oldest} (${formatUtc(oldest)}).`,
    };
  }
  if (from > to) {
    return {
      error: 'from_after_to',
      message: `from ${from} (${formatUtc(from)}) is after to ${to} (${formatUtc(to)})${query.to === undefined ? ', which defaults to yesterday' : ''}.`,
    };
  }
  return {from, to};
}
