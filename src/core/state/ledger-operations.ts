import type {FailedWindow, LedgerState, RestatedBar, SourceHole} from '../contracts/state-store.js';
import type {TimeRange} from '../contracts/record.js';
import type {Resolution} from '../contracts/resolution.js';
import type {SourceErrorKind} from '../errors/source-error.js';

/** Resolved entries kept as history (newest first wins); pending ones are never dropped. */
const RESOLVED_KEPT = 200;
/** Restatements kept per pair, the newest. */
const RESTATED_KEPT = 200;

/** Adds restatements of one pair: a bar restated again keeps only its newest entry; the oldest go past 200. */
export function recordRestated(state: LedgerState, bars: readonly RestatedBar[]): LedgerState {
  if (bars.length === 0) return state;
  const key = (b: RestatedBar) => `${b.pair} ${b.resolution} ${b.at}`;
  const added = new Set(bars.map(key));
  const kept = (state.restated ?? []).filter((b) => !added.has(key(b)));
  const pair = bars[0]!.pair;
  const mine = [...kept.filter((b) => b.pair === pair), ...bars].sort((a, b) => a.seenAt.localeCompare(b.seenAt) || a.at - b.at).slice(-RESTATED_KEPT);
  return {...state, restated: [...kept.filter((b) => b.pair !== pair), ...mine]};
}

export interface Failure {
  readonly pair: string;
  readonly resolution: Resolution;
  readonly range: TimeRange;
  readonly kind: SourceErrorKind | 'gap';
  readonly message: string;
}

/**
 * Queues `failure.range` for retry. Pending windows of the pair stay disjoint: what the new window
 * overlaps is folded into it (attempts continue from the highest, the first failure time is kept).
 */
export function recordFailure(state: LedgerState, failure: Failure, step: number, now: string): LedgerState {
  const {kept, overlapped} = split(state.failures, failure.pair, failure.resolution, failure.range, step);
  const entry: FailedWindow = {
    pair: failure.pair,
    resolution: failure.resolution,
    from: failure.range.from,
    to: failure.range.to,
    kind: failure.kind,
    message: failure.message,
    attempts: 1 + Math.max(0, ...overlapped.map((f) => f.attempts)),
    firstFailedAt: [now, ...overlapped.map((f) => f.firstFailedAt)].sort()[0]!,
    lastTriedAt: now,
    status: 'pending',
  };
  return {...state, failures: [...kept, entry]};
}

/** Marks the part of every pending window of `pair` inside `range` as resolved; the rest stays pending. */
export function resolveRange(state: LedgerState, pair: string, resolution: Resolution, range: TimeRange, step: number, now: string): LedgerState {
  const {kept, overlapped} = split(state.failures, pair, resolution, range, step);
  if (overlapped.length === 0) return state;
  const resolved = overlapped.map(
    (f): FailedWindow => ({...f, from: Math.max(f.from, range.from), to: Math.min(f.to, range.to), status: 'resolved', resolvedAt: now}),
  );
  return {...state, failures: pruneResolved([...kept, ...resolved])};
}

/**
 * Replaces what is known about source holes of `pair` inside `range` with `holes`. Runs that touch are
 * joined: a hole straddling the edge of the range (a daily run's look-back starts one day later each day)
 * would otherwise be cut in two at every run, and the list would grow by one entry a day.
 */
export function recordHoles(
  state: LedgerState,
  pair: string,
  resolution: Resolution,
  range: TimeRange,
  holes: readonly TimeRange[],
  step: number,
  now: string,
): LedgerState {
  const mine = (h: SourceHole) => h.pair === pair && h.resolution === resolution;
  const kept = state.holes.filter(mine).flatMap((h) => subtract(h, range, step));
  const found = holes.map((h): SourceHole => ({pair, resolution, from: h.from, to: h.to, seenAt: now}));
  // Only this (pair, resolution)'s holes are joined, with its own step: another resolution's are left as stored.
  const joined = joinTouching([...kept, ...found].sort(byPairThenFrom), step);
  return {...state, holes: [...state.holes.filter((h) => !mine(h)), ...joined].sort(byPairThenFrom)};
}

/** Sorted holes of one (pair, resolution) with adjacent or overlapping runs joined; the newest sighting is kept. */
function joinTouching(holes: readonly SourceHole[], step: number): SourceHole[] {
  const joined: SourceHole[] = [];
  for (const hole of holes) {
    const last = joined.at(-1);
    if (last && hole.from <= last.to + step) {
      // biome-ignore lint/complexity/useMathMinMax: ISO timestamps compare as strings; Math.max would make NaN of them
      joined[joined.length - 1] = {...last, to: Math.max(last.to, hole.to), seenAt: last.seenAt > hole.seenAt ? last.seenAt : hole.seenAt};
    } else joined.push(hole);
  }
  return joined;
}

/**
 * Takes another store's entries of one pair into `state` (mms copy): its holes are recorded as seen there,
 * its pending windows queued as they are (attempts and times kept). A window already queued here with the
 * same bounds is left as it is, so adopting the same entries twice changes nothing.
 */
export function adoptEntries(
  state: LedgerState,
  pair: string,
  entries: {failures: readonly FailedWindow[]; holes: readonly SourceHole[]},
  step: number,
): LedgerState {
  let next = state;
  for (const hole of entries.holes.filter((h) => h.pair === pair)) next = recordHoles(next, pair, hole.resolution, hole, [hole], step, hole.seenAt);
  for (const failure of entries.failures.filter((f) => f.pair === pair && f.status === 'pending')) {
    const same = (f: FailedWindow) =>
      f.status === 'pending' && f.pair === pair && f.resolution === failure.resolution && f.from === failure.from && f.to === failure.to;
    if (next.failures.some(same)) continue;
    const {kept, overlapped} = split(next.failures, pair, failure.resolution, failure, step);
    const firstFailedAt = [failure.firstFailedAt, ...overlapped.map((f) => f.firstFailedAt)].sort()[0]!;
    const attempts = Math.max(failure.attempts, ...overlapped.map((f) => f.attempts));
    next = {...next, failures: [...kept, {...failure, attempts, firstFailedAt}]};
  }
  return next;
}

/** Drops every failed window (pending and resolved) of the given pairs, or of all pairs. */
export function clearFailures(state: LedgerState, pairs?: readonly string[]): {state: LedgerState; removed: number} {
  const failures = state.failures.filter((f) => pairs !== undefined && !pairs.includes(f.pair));
  return {state: {...state, failures}, removed: state.failures.length - failures.length};
}

/** Pending windows, oldest failure first: the order `mms retry` replays them in. */
export function pendingFailures(state: LedgerState): FailedWindow[] {
  return state.failures.filter((f) => f.status === 'pending').sort((a, b) => a.firstFailedAt.localeCompare(b.firstFailedAt) || byPairThenFrom(a, b));
}

/** Splits pending windows of (pair, resolution) into what lies outside `range` and what it overlapped. */
function split(failures: readonly FailedWindow[], pair: string, resolution: Resolution, range: TimeRange, step: number) {
  const kept: FailedWindow[] = [];
  const overlapped: FailedWindow[] = [];
  for (const f of failures) {
    if (f.status !== 'pending' || f.pair !== pair || f.resolution !== resolution || f.to < range.from || f.from > range.to) {
      kept.push(f);
      continue;
    }
    overlapped.push(f);
    kept.push(...subtract(f, range, step));
  }
  return {kept, overlapped};
}

/** `entry` minus `range`: nothing, one piece, or two pieces. */
function subtract<T extends TimeRange>(entry: T, range: TimeRange, step: number): T[] {
  if (entry.to < range.from || entry.from > range.to) return [entry];
  const pieces: T[] = [];
  if (entry.from < range.from) pieces.push({...entry, to: range.from - step});
  if (entry.to > range.to) pieces.push({...entry, from: range.to + step});
  return pieces;
}

function pruneResolved(failures: FailedWindow[]): FailedWindow[] {
  const resolved = failures.filter((f) => f.status === 'resolved').sort((a, b) => (b.resolvedAt ?? '').localeCompare(a.resolvedAt ?? ''));
  const dropped = new Set(resolved.slice(RESOLVED_KEPT));
  return failures.filter((f) => !dropped.has(f));
}

function byPairThenFrom(a: {pair: string; from: number}, b: {pair: string; from: number}): number {
  return a.pair.localeCompare(b.pair) || a.from - b.from;
}
