import {dirname, relative, resolve} from 'node:path';
import {cosmiconfig} from 'cosmiconfig';
import {ConfigError} from '../core/errors/config-error.js';
import {configSchema, type ResolvedConfig} from './config-schema.js';
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
}

/**
 * Finds, reads and validates the top-level config. Plugin-specific keys are validated later, by the
 * plugin's own schema, once the plugin modules are loaded.
 */
export async function loadConfig({configPath, cwd}: LoadConfigOptions): Promise<ResolvedConfig> {
  const explorer = cosmiconfig('mms', {searchPlaces: CONFIG_SEARCH_PLACES, searchStrategy: 'project', cache: false});
  let found: {filepath: string; config: unknown; isEmpty?: boolean} | null;
  const label = (file: string) => relative(cwd, file) || file;
  try {
    found = configPath ? await explorer.load(resolve(cwd, configPath)) : await explorer.search(cwd);
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    const file = configPath ? label(resolve(cwd, configPath)) : 'config';
    if (err.code === 'ENOENT') throw new ConfigError(`${file}: file not found. Check --config, or run from the directory that holds mms.config.*.`);
    // Parse errors from JSON/YAML/TS loaders carry the reason in their first line; the stack is noise.
    throw new ConfigError(`${file}: cannot be loaded: ${err.message.split('\n').filter(Boolean).slice(-1)[0] ?? err.message}`, {cause: error});
  }
  if (!found) return validate('defaults (no mms.config.* found)', cwd, {});
  const raw = found.isEmpty ? {} : found.config;
  return validate(label(found.filepath), dirname(found.filepath), raw);
}

export function validate(file: string, dir: string, raw: unknown): ResolvedConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`${file}: expected an object (in a .ts/.js config, export it as the default export), got ${Array.isArray(raw) ? 'an array' : JSON.stringify(raw) ?? String(raw)}`);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(formatSchemaIssues(file, raw, result.error.issues));
  return {...result.data, file, dir};
}
