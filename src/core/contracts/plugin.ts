import type {Alarm} from './alarm.js';
import type {Clock} from './clock.js';
import type {HttpClientFactory} from './http-client.js';
import type {Logger} from './logger.js';
import type {Resolution} from './resolution.js';
import type {Sink} from './sink.js';
import type {Source} from './source.js';
import type {StandardSchemaV1} from './standard-schema.js';
import type {Transform} from './transform.js';

export interface PluginInstances {
  source: Source;
  transform: Transform;
  sink: Sink;
  alarm: Alarm;
}
export type PluginKind = keyof PluginInstances;
export const PLUGIN_KINDS: readonly PluginKind[] = ['source', 'transform', 'sink', 'alarm'];

/** What a plugin's `create` receives: its validated config and the services it may use. */
export interface PluginContext<Config> {
  readonly config: Config;
  /** Where the config key sits, for error messages, e.g. `transforms[1]`. */
  readonly configPath: string;
  /** Directory of the config file; relative paths in a plugin's config resolve against it. */
  readonly configDir: string;
  readonly pairs: readonly string[];
  readonly resolution: Resolution;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly http: HttpClientFactory;
}

/**
 * A plugin is a manifest: `name` is what a config writes under `use`, `configSchema` validates the rest of
 * that config object (make it strict so a typo is an error), and `create` builds the instance the container
 * binds for that config entry.
 */
// biome-ignore lint/suspicious/noExplicitAny: a list of manifests mixes every plugin's config type, which `unknown` would refuse
export interface PluginManifest<Kind extends PluginKind = PluginKind, Config = any> {
  readonly name: string;
  readonly kind: Kind;
  readonly description: string;
  readonly configSchema: StandardSchemaV1<unknown, Config>;
  create(context: PluginContext<Config>): PluginInstances[Kind] | Promise<PluginInstances[Kind]>;
}

export function definePlugin<Kind extends PluginKind, Config>(manifest: PluginManifest<Kind, Config>): PluginManifest<Kind, Config> {
  return manifest;
}
