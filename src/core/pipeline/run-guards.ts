import type {HeldLock} from '../contracts/state-store.js';
import {InterruptedError} from '../errors/interrupted-error.js';
import {LockedError} from '../errors/locked-error.js';

/**
 * A run whose lock was taken over (it was paused or cut off past the stale limit, and another run judged
 * it dead) must not write again: the other run owns the pair now, and two writers would interleave.
 * `how` names the lock that was taken over and when; `whatNow`, what became of this run's work.
 */
export async function assertHeld(lock: HeldLock, pair: string, how: string, whatNow: string): Promise<void> {
  if (!(await lock.held())) throw new LockedError(`${pair}: another mms run took over ${how}; stopped before writing again. ${whatNow}`);
}

/** A stop request ends the run here, without queueing anything; `whatNow` says how to finish it. */
export function throwIfInterrupted(signal: AbortSignal | undefined, whatNow: string): void {
  if (signal?.aborted) throw new InterruptedError(`interrupted (${String(signal.reason)}); ${whatNow}`);
}
