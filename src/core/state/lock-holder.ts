import {hostname} from 'node:os';
import {z} from 'zod';
import type {StandardSchemaV1} from '../contracts/standard-schema.js';
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

/**
 * The holder every lock names; a kind of lock adds keys of its own (a token, a heartbeat). A lock is judged
 * and shown by these fields, so a holder of another shape (hand-edited, or written by something else) is
 * refused as unreadable, never judged or shown by fields it lacks.
 */
export const lockOwnerSchema = z.object(
  {
    pid: z.number({error: 'expected a process id'}).int({error: 'expected a process id'}).positive({error: 'expected a process id'}),
    host: z.string({error: 'expected a host name'}),
    command: z.string({error: 'expected a command'}),
    startedAt: z.string({error: 'expected a date string'}),
  },
  {error: 'expected an object naming the holder'},
);

/**
 * `value` as a holder of `schema` (any Standard Schema that validates synchronously, as zod's do), or what
 * is wrong with it ("pid: expected a process id; host: ...").
 */
export function parseHolder<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
): {holder: StandardSchemaV1.InferOutput<S>; problem?: undefined} | {holder?: undefined; problem: string} {
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) throw new TypeError('parseHolder needs a schema that validates synchronously');
  if (!result.issues) return {holder: result.value as StandardSchemaV1.InferOutput<S>};
  const problem = result.issues
    .map((issue) => {
      const path = (issue.path ?? []).map((segment) => String(typeof segment === 'object' ? segment.key : segment));
      return path.length > 0 ? `${path.join('.')}: ${issue.message}` : issue.message;
    })
    .join('; ');
  return {problem};
}

export function describeHolder(owner: LockOwner | undefined): string {
  return owner ? `\`${owner.command}\`, pid ${owner.pid} on ${owner.host}, started ${owner.startedAt}` : 'unknown holder';
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
