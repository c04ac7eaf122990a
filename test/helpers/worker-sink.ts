import {Worker} from 'node:worker_threads';
import type {ExecutionContext} from 'ava';
import type {Sink} from '../../src/core/contracts/sink.js';

type Call = {id: number; method: 'upsert' | 'latestTimestamp' | 'readRange' | 'listTimestamps'; args: unknown[]};
type Reply = {id: number; value?: unknown; error?: string};

/**
 * A sink that runs in a worker thread, opened by `module`'s default export with `options`: calls from
 * here and from a sink in this thread then really run at the same time, as two processes' would.
 */
export async function workerSink(t: ExecutionContext, module: URL, options: unknown): Promise<Sink> {
  const worker = new Worker(new URL('./worker-sink-thread.ts', import.meta.url), {workerData: {module: module.href, options}});
  t.teardown(() => worker.terminate());
  const pending = new Map<number, {resolve: (value: unknown) => void; reject: (error: Error) => void}>();
  worker.on('message', (reply: Reply) => {
    const call = pending.get(reply.id)!;
    pending.delete(reply.id);
    if (reply.error === undefined) call.resolve(reply.value);
    else call.reject(new Error(reply.error));
  });
  worker.on('error', (error) => {
    for (const call of pending.values()) call.reject(error);
  });
  let next = 0;
  const call = (method: Call['method'], ...args: unknown[]) =>
    new Promise<never>((resolve, reject) => {
      const id = next++;
      pending.set(id, {resolve: resolve as (value: unknown) => void, reject});
      worker.postMessage({id, method, args} satisfies Call);
    });
  return {
    name: 'worker',
    upsert: (records) => call('upsert', records),
    latestTimestamp: (pair) => call('latestTimestamp', pair),
    readRange: (pair, range) => call('readRange', pair, range),
    listTimestamps: (pair, range, complete) => call('listTimestamps', pair, range, complete),
  };
}
