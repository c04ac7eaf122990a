import 'reflect-metadata';
import {Container} from 'inversify';
import type {ResolvedConfig} from '../config/config-schema.js';
import type {Clock} from '../core/contracts/clock.js';
import type {HttpClientFactory} from '../core/contracts/http-client.js';
import type {Logger} from '../core/contracts/logger.js';
import type {PluginManifest} from '../core/contracts/plugin.js';
import {PacedHttpClientFactory} from '../core/http/paced-http-client-factory.js';
import {IngestService} from '../core/pipeline/ingest-service.js';
import {TOKENS} from '../core/tokens.js';
import {BUNDLED_PLUGINS} from './bundled-plugins.js';
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
  container.bind(TOKENS.Clock).toConstantValue(options.clock);
  container.bind(TOKENS.Logger).toConstantValue(options.logger);
  container.bind(TOKENS.HttpClientFactory).toConstantValue(options.httpClientFactory ?? new PacedHttpClientFactory());
  const available = [...BUNDLED_PLUGINS, ...(options.plugins ?? [])];
  const manifests = [...available, ...(await loadPluginModules(config, available))];
  for (const manifest of manifests) container.bind(TOKENS.PluginManifest).toConstantValue(manifest);
  container.bind(TOKENS.PluginRegistry).to(PluginRegistry).inSingletonScope();
  container
    .bind(TOKENS.Source)
    .toResolvedValue((registry: PluginRegistry) => registry.create('source', config.source, ['source']), [TOKENS.PluginRegistry])
    .inSingletonScope();
  container
    .bind(TOKENS.Transforms)
    .toResolvedValue(
      async (registry: PluginRegistry) => {
        const transforms = [];
        for (const [i, ref] of config.transforms.entries()) transforms.push(await registry.create('transform', ref, ['transforms', i]));
        return transforms;
      },
      [TOKENS.PluginRegistry],
    )
    .inSingletonScope();
  container
    .bind(TOKENS.Sink)
    .toResolvedValue((registry: PluginRegistry) => registry.create('sink', config.sink, ['sink']), [TOKENS.PluginRegistry])
    .inSingletonScope();
  container.bind(TOKENS.IngestService).to(IngestService).inSingletonScope();
  await container.get<PluginRegistry>(TOKENS.PluginRegistry).validateConfigured();
  return container;
}

/** Closes whatever plugin instances the run created (connections, file handles). */
export async function closeContainer(container: Container): Promise<void> {
  await container.get<PluginRegistry>(TOKENS.PluginRegistry).close();
}
