import {basename, dirname, relative, resolve} from 'node:path';
import {cosmiconfig} from 'cosmiconfig';
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
  const explorer = cosmiconfig('mms', {searchPlaces: CONFIG_SEARCH_PLACES, searchStrategy: 'project', cache: false, ignoreEmptySearchPlaces: false});
  let found: {filepath: string; config: unknown; isEmpty?: boolean} | null;
  const label = (file: string) => relative(cwd, file) || file;
  try {
    found = configPath ? await explorer.load(resolve(cwd, configPath)) : await explorer.search(cwd);
  } catch (error) {
    const err = error as NodeJS.ErrnoException & {filepath?: string};
    const file = configPath ? label(resolve(cwd, configPath)) : err.filepath ? label(err.filepath) : 'config';
    if (err.code === 'ENOENT') throw new ConfigError(`${file}: file not found. Check --config, or run from the directory that holds mms.config.*.`);
    throw new ConfigError(`${file}: cannot be loaded: ${loaderReason(err.message)}`, {cause: error});
  }
  const packageJsonWithoutKey = found?.isEmpty && basename(found.filepath) === 'package.json';
  if (packageJsonWithoutKey && configPath) throw new ConfigError(`${label(found!.filepath)}: has no "mms" key to read the config from.`);
  if (!found || packageJsonWithoutKey) return validate('defaults (no mms.config.* found)', cwd, {}, defaults);
  const file = label(found.filepath);
  if (found.isEmpty && /\.[cm]?[jt]s$/.test(found.filepath)) {
    throw new ConfigError(`${file}: no default export. Export the config object as the default export: export default defineConfig({...}).`);
  }
  return validate(file, dirname(found.filepath), found.isEmpty ? {} : unwrapDefault(found.config), defaults);
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
    throw new ConfigError(`${file}: expected an object (in a .ts/.js config, export it as the default export), got ${Array.isArray(raw) ? 'an array' : JSON.stringify(raw) ?? String(raw)}`);
  }
  const result = configSchema.safeParse({...defaults, ...raw});
  if (!result.success) throw new ConfigError(formatSchemaIssues(file, raw, result.error.issues));
  return {...result.data, file, dir};
}
