import {hostname} from 'node:os';
import type {LockOwner} from '../contracts/state-store.js';

/** How often a lock holder proves it is alive, and how long silence makes its lock stale (any host). */
export const LOCK_HEARTBEAT_MS = 5000;
export const LOCK_STALE_MS = 30_000;

/**
 * Whether a lock may be taken over: its holder ran on this host and that process is gone (so kill -9 never
 * blocks the next run), or it has not shown a sign of life for LOCK_STALE_MS (a holder on another host).
 */
export function lockIsStale(owner: Partial<LockOwner> | undefined, silentForMs: number): boolean {
  const deadHere = owner?.host === hostname() && typeof owner.pid === 'number' && !processAlive(owner.pid);
  return deadHere || silentForMs > LOCK_STALE_MS;
}

export function describeHolder(owner: Partial<LockOwner> | undefined): string {
  return owner?.pid ? `\`${owner.command}\`, pid ${owner.pid} on ${owner.host}, started ${owner.startedAt}` : 'unknown holder';
}

export function lockOwner(command: string): LockOwner {
  return {pid: process.pid, host: hostname(), command, startedAt: new Date().toISOString()};
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
