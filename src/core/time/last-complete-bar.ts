/** Open time of the newest bucket that has closed at `nowMs`: for daily bars, 00:00 UTC yesterday. */
export function lastCompleteBar(nowMs: number, step: number): number {
  return Math.floor(nowMs / 1000 / step) * step - step;
}
