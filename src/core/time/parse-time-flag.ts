import {UsageError} from '../errors/usage-error.js';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * `YYYY-MM-DD` (00:00 UTC of that day) or integer Unix seconds → Unix seconds. Milliseconds are rejected
 * rather than guessed at: a 13-digit number is almost always a unit mistake.
 */
export function parseTimeFlag(flag: string, value: string): number {
  const day = DAY.exec(value);
  if (day) {
    const [, y, m, d] = day.map(Number) as [number, number, number, number];
    const ms = Date.UTC(y, m - 1, d);
    const back = new Date(ms);
    if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) {
      throw new UsageError(`--${flag}: "${value}" is not a calendar date. Use YYYY-MM-DD (UTC) or Unix seconds.`);
    }
    return ms / 1000;
  }
  if (/^\d{1,11}$/.test(value)) return Number(value);
  if (/^\d{12,}$/.test(value)) {
    throw new UsageError(`--${flag}: ${value} looks like milliseconds; pass Unix seconds (${value.slice(0, -3)}) or YYYY-MM-DD.`);
  }
  throw new UsageError(`--${flag}: expected YYYY-MM-DD (UTC) or Unix seconds, got "${value}".`);
}
