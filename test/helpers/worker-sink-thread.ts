import {parentPort, workerData} from 'node:worker_threads';
import type {Sink} from '../../src/core/contracts/sink.js';

// The thread side of workerSink: one sink, its calls answered in order of arrival.
const {module, options} = workerData as {module: string; options: unknown};
const open = (await import(module)).default as (options: unknown) => Sink;
const sink = open(options);
parentPort!.on('message', async ({id, method, args}: {id: number; method: keyof Sink; args: unknown[]}) => {
  try {
    const value = await (sink[method] as (...a: unknown[]) => Promise<unknown>)(...args);
    parentPort!.postMessage({id, value});
  } catch (error) {
    parentPort!.postMessage({id, error: String((error as Error).message)});
  }
});
