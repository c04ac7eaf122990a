import {resolve} from 'node:path';
import {pathToFileURL} from 'node:url';
import {PLUGIN_KINDS, type PluginManifest} from '../core/contracts/plugin.js';
import {ConfigError} from '../core/errors/config-error.js';
import type {ResolvedConfig} from '../config/config-schema.js';
import {resolvePackageImport} from './resolve-package-import.js';

/**
 * Imports the modules listed under `plugins` (relative to the config file, or npm packages resolved from
 * there). Each must export a manifest, or an array of them, as its default export. `taken` holds the
 * plugins already available (kind:name → where from), so a clash names both modules.
 */
export async function loadPluginModules(config: ResolvedConfig, taken: readonly PluginManifest[]): Promise<Array<{manifest: PluginManifest; origin: string}>> {
  const origins = new Map(taken.map((m) => [`${m.kind}:${m.name}`, 'the bundled plugins']));
  const manifests: Array<{manifest: PluginManifest; origin: string}> = [];
  for (const [index, specifier] of config.plugins.entries()) {
    const where = `${config.file}: plugins[${index}] "${specifier}"`;
    const url = resolveSpecifier(specifier, config.dir, where);
    let module: {default?: unknown};
    try {
      module = (await import(url)) as {default?: unknown};
    } catch (error) {
      throw new ConfigError(`${where}: cannot be imported: ${(error as Error).message}`, {cause: error});
    }
    const exported = module.default;
    const list = Array.isArray(exported) ? exported : [exported];
    list.forEach((candidate, i) => {
      const problem = manifestProblem(candidate);
      const at = Array.isArray(exported) ? ` (default export [${i}])` : '';
      if (problem) throw new ConfigError(`${where}${at}: not a plugin manifest: ${problem}. Export definePlugin({...}) as the default export.`);
      const manifest = candidate as PluginManifest;
      const key = `${manifest.kind}:${manifest.name}`;
      const previous = origins.get(key);
      if (previous)
        throw new ConfigError(`${where}${at}: a ${manifest.kind} plugin named "${manifest.name}" already comes from ${previous}; rename one of them.`);
      origins.set(key, `plugins[${index}] "${specifier}"`);
      manifests.push({manifest, origin: specifier});
    });
  }
  return manifests;
}

function resolveSpecifier(specifier: string, dir: string, where: string): string {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return pathToFileURL(resolve(dir, specifier)).href;
  if (specifier.startsWith('file:')) return specifier;
  // A package is looked up from the config's directory (the user's project), not from mms's install.
  return resolvePackageImport(specifier, dir, where);
}

function manifestProblem(candidate: unknown): string | undefined {
  if (typeof candidate !== 'object' || candidate === null) return `got ${candidate === undefined ? 'no default export' : typeof candidate}`;
  const m = candidate as Partial<PluginManifest>;
  if (typeof m.name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/.test(m.name)) return '"name" must be a lower-case name such as "my-ema"';
  if (!PLUGIN_KINDS.includes(m.kind as never)) return `"kind" must be one of ${PLUGIN_KINDS.join(', ')}`;
  if (typeof m.configSchema !== 'object' || m.configSchema === null || !('~standard' in m.configSchema)) {
    return '"configSchema" must be a Standard Schema (zod, valibot, arktype, ...)';
  }
  if (typeof m.create !== 'function') return '"create" must be a function';
  return undefined;
}
