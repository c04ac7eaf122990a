import type {HeldLock} from '../contracts/state-store.js';

/**
 * Takes one lock per item, in a stable order, all or none: when one is refused the ones already taken are
 * released before the refusal propagates, so a run that cannot start leaves nothing locked.
 */
export async function acquireAll<T>(items: readonly T[], order: (item: T) => string, take: (item: T) => Promise<HeldLock>): Promise<HeldLock> {
  const sorted = [...items].sort((a, b) => order(a).localeCompare(order(b)));
  const taken: HeldLock[] = [];
  try {
    for (const item of sorted) taken.push(await take(item));
  } catch (error) {
    await releaseAll(taken);
    throw error;
  }
  return {
    held: async () => (await Promise.all(taken.map((lock) => lock.held()))).every(Boolean),
    release: () => releaseAll(taken),
  };
}

async function releaseAll(taken: readonly HeldLock[]): Promise<void> {
  const results = await Promise.allSettled([...taken].reverse().map((lock) => lock.release()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
