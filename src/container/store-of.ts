import type {Container} from 'inversify';
import type {PipelineSettings} from '../core/contracts/pipeline-settings.js';
import type {Sink} from '../core/contracts/sink.js';
import type {Transform} from '../core/contracts/transform.js';
import type {Store} from '../core/pipeline/copy-service.js';
import type {AcquireRunLock} from '../core/pipeline/ingest-service.js';
import type {Ledger} from '../core/state/ledger.js';
import {TOKENS} from '../core/tokens.js';

/** A config's store as `mms copy` sees it: its sink, ledger and locks, and the fields its transforms write. */
export async function storeOf(container: Container): Promise<Store> {
  const transforms = await container.getAsync<Transform[]>(TOKENS.Transforms);
  return {
    settings: container.get<PipelineSettings>(TOKENS.PipelineSettings),
    sink: await container.getAsync<Sink>(TOKENS.Sink),
    ledger: await container.getAsync<Ledger>(TOKENS.Ledger),
    lock: await container.getAsync<AcquireRunLock>(TOKENS.RunLock),
    fields: transforms.flatMap((t) => t.fields),
    lookback: Math.max(1, ...transforms.map((t) => t.lookback)),
  };
}
