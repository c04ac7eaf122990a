import {inject, injectable, multiInject, optional} from 'inversify';
import type {Clock} from '../core/contracts/clock.js';
import type {HttpClientFactory} from '../core/contracts/http-client.js';
import type {Logger} from '../core/contracts/logger.js';
import type {PluginInstances, PluginKind, PluginManifest} from '../core/contracts/plugin.js';
import {ConfigError} from '../core/errors/config-error.js';
import {isMmsError} from '../core/errors/mms-error.js';
import {TOKENS} from '../core/tokens.js';
import type {PluginRef, ResolvedConfig} from '../config/config-schema.js';
import {formatKeyPath, formatSchemaIssues} from '../config/format-schema-issues.js';

/** Every plugin available to this run (bundled and loaded from `plugins`), by kind and name. */
@injectable()
export class PluginRegistry {
  private readonly byKey = new Map<string, PluginManifest>();
  private readonly created: Array<{close?(): Promise<void>}> = [];

  constructor(
    @multiInject(TOKENS.PluginManifest) @optional() manifests: PluginManifest[] = [],
    @inject(TOKENS.Config) private readonly config: ResolvedConfig,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.HttpClientFactory) private readonly http: HttpClientFactory,
    @inject(TOKENS.PluginOrigins) @optional() private readonly origins: ReadonlyMap<PluginManifest, string> = new Map(),
  ) {
    for (const manifest of manifests) {
      const key = `${manifest.kind}:${manifest.name}`;
      if (this.byKey.has(key)) {
        throw new ConfigError(
          `${config.file}: plugins: two ${manifest.kind} plugins are named "${manifest.name}"; rename one or drop a module from "plugins".`,
        );
      }
      this.byKey.set(key, manifest);
    }
  }

  /** Closes every instance this registry created (connections, file handles), newest first. */
  async close(): Promise<void> {
    for (const instance of this.created.splice(0).reverse()) await instance.close?.();
  }

  private async validated<K extends PluginKind>(
    kind: K,
    ref: PluginRef,
    path: readonly PropertyKey[],
  ): Promise<{manifest: PluginManifest<K>; options: unknown}> {
    const {file} = this.config;
    const manifest = this.byKey.get(`${kind}:${ref.use}`) as PluginManifest<K> | undefined;
    if (!manifest) {
      const available = this.list()
        .filter((m) => m.kind === kind)
        .map((m) => m.name);
      throw new ConfigError(
        `${file}: ${formatKeyPath([...path, 'use'])}: unknown ${kind} plugin "${ref.use}"; available: ${available.join(', ') || 'none'}. A plugin of your own is added with "plugins": ["./my-plugin.js"].`,
      );
    }
    const {use: _use, ...rest} = ref;
    const result = await manifest.configSchema['~standard'].validate(rest);
    if (result.issues) throw new ConfigError(this.naming(manifest, formatSchemaIssues(file, ref, result.issues, path)));
    return {manifest, options: result.value};
  }

  /**
   * Appends, to each line of a message about a config entry, which plugin judged it and where that plugin
   * came from, so a user can tell a third-party module's rule from mms's own. Bundled plugins are left as
   * they are: their rules are documented with mms, and the `use` name already points at them.
   */
  private naming(manifest: PluginManifest, message: string): string {
    const origin = this.origins.get(manifest);
    if (origin === undefined || origin === 'bundled') return message;
    const index = this.config.plugins.indexOf(origin);
    const from = index !== -1 ? `plugins[${index}] "${origin}"` : origin === 'embedded' ? 'the code that built the container' : origin;
    return message
      .split('\n')
      .map((line) => `${line} (${manifest.kind} plugin "${manifest.name}" from ${from})`)
      .join('\n');
  }

  list(): PluginManifest[] {
    return [...this.byKey.values()];
  }

  /**
   * Validates every configured plugin entry against its plugin's schema and reports all problems at once,
   * each naming the file and key path, before anything is built.
   */
  async validateConfigured(): Promise<void> {
    const {config} = this;
    const entries: Array<[PluginKind, PluginRef, PropertyKey[]]> = [
      ['source', config.source, ['source']],
      ...config.transforms.map((ref, i): [PluginKind, PluginRef, PropertyKey[]] => ['transform', ref, ['transforms', i]]),
      ['sink', config.sink, ['sink']],
      ...config.alarms.map((ref, i): [PluginKind, PluginRef, PropertyKey[]] => ['alarm', ref, ['alarms', i]]),
    ];
    const problems: string[] = [];
    for (const [kind, ref, path] of entries) {
      try {
        await this.validated(kind, ref, path);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        problems.push(error.message);
      }
    }
    if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  }

  /** Builds the instance for a config entry; errors name the file and key path. */
  async create<K extends PluginKind>(kind: K, ref: PluginRef, path: readonly PropertyKey[]): Promise<PluginInstances[K]> {
    const {file} = this.config;
    const {manifest, options} = await this.validated(kind, ref, path);
    try {
      const instance = await manifest.create({
        config: options,
        configPath: formatKeyPath(path),
        configDir: this.config.dir,
        pairs: this.config.pairs,
        resolution: this.config.resolution,
        clock: this.clock,
        logger: this.logger,
        http: this.http,
      });
      this.created.push(instance as {close?(): Promise<void>});
      return instance;
    } catch (error) {
      if (error instanceof ConfigError) throw new ConfigError(this.naming(manifest, `${file}: ${error.message}`), {cause: error});
      if (isMmsError(error)) throw error;
      throw new ConfigError(
        this.naming(manifest, `${file}: ${formatKeyPath(path)}: ${kind} plugin "${ref.use}" failed to start: ${(error as Error).message}`),
        {cause: error},
      );
    }
  }
}
