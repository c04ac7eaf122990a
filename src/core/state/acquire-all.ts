import type {ReleaseLock} from '../contracts/state-store.js';

/**
 * Takes one lock per item, in a stable order, all or none: when one is refused the ones already taken are
 * released before the refusal propagates, so a run that cannot start leaves nothing locked.
 */
export async function acquireAll<T>(items: readonly T[], order: (item: T) => string, take: (item: T) => Promise<ReleaseLock>): Promise<ReleaseLock> {
  const sorted = [...items].sort((a, b) => order(a).localeCompare(order(b)));
  const taken: ReleaseLock[] = [];
  try {
    for (const item of sorted) taken.push(await take(item));
  } catch (error) {
    await releaseAll(taken);
    throw error;
  }
  return () => releaseAll(taken);
}

async function releaseAll(taken: readonly ReleaseLock[]): Promise<void> {
  const results = await Promise.allSettled([...taken].reverse().map((release) => release()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
