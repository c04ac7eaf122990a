import {basename, dirname, relative, resolve} from 'node:path';
import {cosmiconfig, defaultLoaders, type Loader} from 'cosmiconfig';
import {ConfigError} from '../core/errors/config-error.js';
import {maskCredentialsOf} from '../core/redact-url.js';
import {configSchema, type PipelineDefaults, type ResolvedConfig} from './config-schema.js';
import {formatSchemaIssues} from './format-schema-issues.js';

export const CONFIG_SEARCH_PLACES = [
  'mms.config.ts',
  'mms.config.mts',
  'mms.config.js',
  'mms.config.mjs',
  'mms.config.cjs',
  'mms.config.json',
  '.mmsrc.json',
  '.mmsrc.yaml',
  '.mmsrc.yml',
  '.mmsrc',
  'package.json',
];

/**
 * cosmiconfig's loaders, except that a file holding only `null` (JSON `null`, a YAML `---` or `~`, a module
 * whose default export is null) is refused like an empty file, where cosmiconfig takes it for no file at all.
 */
const LOADERS = Object.fromEntries(
  Object.entries(defaultLoaders).map(([extension, load]): [string, Loader] => [
    extension,
    async (filepath, content) => {
      const config = await load(filepath, content);
      if (config === null) throw new NullConfig();
      return config;
    },
  ]),
);

class NullConfig extends Error {}

export interface LoadConfigOptions {
  /** `--config`: an explicit file; otherwise the search starts here and stops at the project root. */
  readonly configPath?: string;
  readonly cwd: string;
  /** The plugins used where the config names none (the core itself knows no plugin by name). */
  readonly defaults: PipelineDefaults;
}

/**
 * Finds, reads and validates the top-level config. Plugin-specific keys are validated later, by the
 * plugin's own schema, once the plugin modules are loaded.
 */
export async function loadConfig({configPath, cwd, defaults}: LoadConfigOptions): Promise<ResolvedConfig> {
  // Empty search places are kept so that a module without a default export is an error, not "no config".
  const explorer = cosmiconfig('mms', {
    searchPlaces: CONFIG_SEARCH_PLACES,
    searchStrategy: 'project',
    cache: false,
    ignoreEmptySearchPlaces: false,
    loaders: LOADERS,
  });
  let found: {filepath: string; config: unknown; isEmpty?: boolean} | null;
  const label = (file: string) => relative(cwd, file) || file;
  try {
    found = configPath ? await explorer.load(resolve(cwd, configPath)) : await explorer.search(cwd);
  } catch (error) {
    const err = error as NodeJS.ErrnoException & {filepath?: string};
    const file = configPath ? label(resolve(cwd, configPath)) : err.filepath ? label(err.filepath) : 'config';
    if (err.code === 'ENOENT') throw new ConfigError(`${file}: file not found. Check --config, or run from the directory that holds mms.config.*.`);
    if (error instanceof NullConfig)
      throw emptyConfig(file, configPath !== undefined, /\.[cm]?[jt]s$/.test(file) ? 'its default export is null' : 'its content is null');
    throw new ConfigError(`${file}: cannot be loaded: ${loaderReason(err.message)}`, {cause: error});
  }
  // With LOADERS, only a package.json without an "mms" key loads as nothing: no config, unless named.
  const noConfig = !found || (found.isEmpty && basename(found.filepath) === 'package.json');
  if (noConfig && configPath) throw new ConfigError(`${label(resolve(cwd, configPath))}: has no "mms" key to read the config from.`);
  if (!found || noConfig) return validate('defaults (no mms.config.* found)', cwd, {}, defaults);
  const file = label(found.filepath);
  if (found.isEmpty && /\.[cm]?[jt]s$/.test(found.filepath)) {
    throw new ConfigError(`${file}: no default export. Export the config object as the default export: export default defineConfig({...}).`);
  }
  if (found.isEmpty) throw emptyConfig(file, configPath !== undefined, 'the file is empty (0 bytes, or only whitespace)');
  return validate(file, dirname(found.filepath), unwrapDefault(found.config), defaults);
}

/**
 * A config file with nothing in it is refused, named or found: it is more likely emptied by mistake (a
 * copy cut short, a template never filled in) than meant, and the defaults it would run with write the
 * default pairs to data/mms.json from the production API.
 */
function emptyConfig(file: string, named: boolean, why: string): ConfigError {
  const instead = named ? 'or leave out --config to use the config found by search (or the defaults)' : 'or delete it to run with the defaults';
  return new ConfigError(`${file}: ${why}, so it holds no config. Write the config in it, ${instead}.`);
}

/**
 * The parser's own reason (with its line and column), without the "JSON Error in <path>:" heading that
 * cosmiconfig adds or the excerpt with a caret that js-yaml appends.
 */
function loaderReason(message: string): string {
  const lines = message.split('\n').filter((line) => line.trim() !== '');
  const reason = /^(JSON|YAML) Error in /.test(lines[0] ?? '') ? lines[1] : lines[0];
  return reason?.trim() ?? message;
}

/** A TS/JS config compiled to CommonJS comes back as `{default: config}`. */
function unwrapDefault(config: unknown): unknown {
  if (typeof config === 'object' && config !== null && Object.keys(config).length === 1 && 'default' in config) return config.default;
  return config;
}

export function validate(file: string, dir: string, raw: unknown, defaults: PipelineDefaults): ResolvedConfig {
  // Before anything can fail and quote the config: its URLs' credentials are masked in every message.
  maskCredentialsOf(raw);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(
      `${file}: expected an object (in a .ts/.js config, export it as the default export), got ${Array.isArray(raw) ? 'an array' : (JSON.stringify(raw) ?? String(raw))}`,
    );
  }
  const result = configSchema.safeParse({...defaults, ...raw});
  if (!result.success) throw new ConfigError(formatSchemaIssues(file, raw, result.error.issues));
  return {...result.data, file, dir};
}
