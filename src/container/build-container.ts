import 'reflect-metadata';
import {Container} from 'inversify';
import type {ResolvedConfig} from '../config/config-schema.js';
import type {Clock} from '../core/contracts/clock.js';
import type {HttpClientFactory} from '../core/contracts/http-client.js';
import type {Logger} from '../core/contracts/logger.js';
import type {PipelineSettings} from '../core/contracts/pipeline-settings.js';
import type {PluginInstances, PluginManifest} from '../core/contracts/plugin.js';
import {PacedHttpClientFactory} from '../core/http/paced-http-client-factory.js';
import {resolve} from 'node:path';
import type {Sink} from '../core/contracts/sink.js';
import type {StateStore} from '../core/contracts/state-store.js';
import {type AcquireRunLock, IngestService} from '../core/pipeline/ingest-service.js';
import {GapsService} from '../core/pipeline/gaps-service.js';
import {ExportService} from '../core/pipeline/export-service.js';
import {RecomputeService} from '../core/pipeline/recompute-service.js';
import {StatusService} from '../core/pipeline/status-service.js';
import {VerifyService} from '../core/pipeline/verify-service.js';
import {RetryService} from '../core/pipeline/retry-service.js';
import {resolutionSeconds} from '../core/contracts/resolution.js';
import {acquireFileLocks} from '../core/state/file-lock.js';
import {lockOwner} from '../core/state/lock-holder.js';
import {FileStateStore} from '../core/state/file-state-store.js';
import {Ledger} from '../core/state/ledger.js';
import {TOKENS} from '../core/tokens.js';
import {BUNDLED_PLUGINS} from './bundled-plugins.js';
import {checkTransformFields} from './check-transform-fields.js';
import {loadPluginModules} from './load-plugin-modules.js';
import {PluginRegistry} from './plugin-registry.js';

export interface ContainerOptions {
  readonly config: ResolvedConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly httpClientFactory?: HttpClientFactory;
  /** Extra manifests, as if listed under `plugins` (tests, embedding). */
  readonly plugins?: readonly PluginManifest[];
}

/**
 * The composition root: core services, every available plugin manifest, and one instance per configured
 * plugin entry (source, transforms in order, sink), built lazily and validated against its schema.
 */
export async function buildContainer(options: ContainerOptions): Promise<Container> {
  const {config} = options;
  const container = new Container();
  container.bind(TOKENS.Config).toConstantValue(config);
  // The pipeline services are given their own contract, only what they read, so the core needs no config type.
  const settings: PipelineSettings = {
    pairs: config.pairs,
    resolution: config.resolution,
    initialBars: config.initialBars,
    recheckBars: config.recheckBars,
    file: config.file,
  };
  container.bind(TOKENS.PipelineSettings).toConstantValue(settings);
  container.bind(TOKENS.Clock).toConstantValue(options.clock);
  container.bind(TOKENS.Logger).toConstantValue(options.logger);
  container.bind(TOKENS.HttpClientFactory).toConstantValue(options.httpClientFactory ?? new PacedHttpClientFactory());
  const available = [...BUNDLED_PLUGINS, ...(options.plugins ?? [])];
  const loaded = await loadPluginModules(config, available);
  const origins = new Map<PluginManifest, string>([
    ...available.map((m): [PluginManifest, string] => [m, BUNDLED_PLUGINS.includes(m) ? 'bundled' : 'embedded']),
    ...loaded.map(({manifest, origin}): [PluginManifest, string] => [manifest, origin]),
  ]);
  for (const manifest of origins.keys()) container.bind(TOKENS.PluginManifest).toConstantValue(manifest);
  container.bind(TOKENS.PluginOrigins).toConstantValue(origins);
  container.bind(TOKENS.PluginRegistry).to(PluginRegistry).inSingletonScope();
  container
    .bind(TOKENS.Source)
    .toResolvedValue((registry: PluginRegistry) => registry.create('source', config.source, ['source']), [TOKENS.PluginRegistry])
    .inSingletonScope();
  // Lists of plugin entries (transforms, alarms) are built in config order, each under its own key path.
  const bindList = <K extends 'transform' | 'alarm'>(token: symbol, kind: K, key: 'transforms' | 'alarms', check?: (instances: PluginInstances[K][]) => void) =>
    container
      .bind(token)
      .toResolvedValue(
        async (registry: PluginRegistry) => {
          const instances: PluginInstances[K][] = [];
          for (const [i, ref] of config[key].entries()) instances.push(await registry.create(kind, ref, [key, i]));
          check?.(instances);
          return instances;
        },
        [TOKENS.PluginRegistry],
      )
      .inSingletonScope();
  bindList(TOKENS.Transforms, 'transform', 'transforms', (transforms) => checkTransformFields(config.file, transforms));
  bindList(TOKENS.Alarms, 'alarm', 'alarms');
  container
    .bind(TOKENS.Sink)
    .toResolvedValue((registry: PluginRegistry) => registry.create('sink', config.sink, ['sink']), [TOKENS.PluginRegistry])
    .inSingletonScope();
  // State and lock live with the sink when it offers them; otherwise beside the config file.
  const fallbackState = () => new FileStateStore(resolve(config.dir, 'mms.state.json'));
  container
    .bind(TOKENS.StateStore)
    .toResolvedValue((sink: Sink): StateStore => sink.stateStore?.() ?? fallbackState(), [TOKENS.Sink])
    .inSingletonScope();
  container
    .bind(TOKENS.Ledger)
    .toResolvedValue(
      (store: StateStore) => new Ledger(store, resolutionSeconds(config.resolution), () => new Date(options.clock.now()).toISOString()),
      [TOKENS.StateStore],
    )
    .inSingletonScope();
  container.bind(TOKENS.RunLock).toResolvedValue(
    (sink: Sink): AcquireRunLock =>
      (command, pairs) => {
        const owner = lockOwner(command);
        if (sink.lock) return sink.lock(owner, pairs);
        const state: StateStore = fallbackState();
        return acquireFileLocks(
          pairs.map((pair) => ({path: `${state.location}.${pair}.lock`, what: `pair ${pair} of state file ${state.location}`})),
          owner,
        );
      },
    [TOKENS.Sink],
  );
  container.bind(TOKENS.IngestService).to(IngestService).inSingletonScope();
  container.bind(TOKENS.RetryService).to(RetryService).inSingletonScope();
  container.bind(TOKENS.GapsService).to(GapsService).inSingletonScope();
  container.bind(TOKENS.VerifyService).to(VerifyService).inSingletonScope();
  container.bind(TOKENS.RecomputeService).to(RecomputeService).inSingletonScope();
  container.bind(TOKENS.ExportService).to(ExportService).inSingletonScope();
  container.bind(TOKENS.StatusService).to(StatusService).inSingletonScope();
  await container.get<PluginRegistry>(TOKENS.PluginRegistry).validateConfigured();
  return container;
}

/** Closes whatever plugin instances the run created (connections, file handles). */
export async function closeContainer(container: Container): Promise<void> {
  await container.get<PluginRegistry>(TOKENS.PluginRegistry).close();
}
