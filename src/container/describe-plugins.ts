import type {PluginKind, PluginManifest} from '../core/contracts/plugin.js';

export interface PluginDescription {
  readonly name: string;
  readonly kind: PluginKind;
  readonly description: string;
  /** "bundled", or the module (path or package) it was loaded from. */
  readonly origin: string;
  /** The config keys its schema declares, when the schema says (a zod object does); else null. */
  readonly configKeys: readonly string[] | null;
}

const KIND_ORDER: readonly PluginKind[] = ['source', 'transform', 'sink', 'alarm'];

/** What `mms plugins` shows: every plugin a config can `use`, by kind then name. */
export function describePlugins(origins: ReadonlyMap<PluginManifest, string>): PluginDescription[] {
  return [...origins]
    .map(([manifest, origin]) => ({
      name: manifest.name,
      kind: manifest.kind,
      description: manifest.description,
      origin,
      configKeys: configKeys(manifest.configSchema),
    }))
    .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.name.localeCompare(b.name));
}

function configKeys(schema: unknown): string[] | null {
  const shape = (schema as {shape?: unknown}).shape;
  return shape && typeof shape === 'object' ? Object.keys(shape) : null;
}
