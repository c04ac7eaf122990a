import {z} from 'zod';
import {configSchema} from '../config/config-schema.js';
import type {PluginManifest} from '../core/contracts/plugin.js';
import {BUNDLED_DEFAULTS, BUNDLED_PLUGINS} from './bundled-plugins.js';

interface JsonSchema {
  readonly type?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly properties?: Record<string, JsonSchema>;
  readonly required?: readonly string[];
  readonly additionalProperties?: unknown;
}

export interface ReferenceRow {
  readonly key: string;
  readonly default: string;
  readonly description: string | undefined;
}

/**
 * docs/configuration.md, generated from the config schemas: the top-level keys and every bundled plugin's,
 * each with its default and description as the schema states them, so the reference cannot drift from
 * what mms accepts (`npm run docs` writes it; a test compares).
 */
export function configReference(): string {
  const defaults: Record<string, unknown> = {...BUNDLED_DEFAULTS};
  const sections = [
    '# Configuration reference',
    '',
    '<!-- Generated from the config schemas by `npm run docs`; a test fails when it is stale. Edit the schemas, not this file. -->',
    '',
    'Every object is strict: an unknown key is an error (exit 2) naming the file, the key path and the value. Relative paths',
    'resolve against the config file\'s directory. Each plugin entry is `{"use": "<name>", ...its keys}`.',
    '',
    '## Top level',
    '',
    table(referenceRows(configSchema, defaults)),
  ];
  for (const kind of ['source', 'transform', 'sink', 'alarm'] as const) {
    for (const manifest of BUNDLED_PLUGINS.filter((m) => m.kind === kind)) {
      sections.push('', `## \`${manifest.name}\` (${kind})`, '', `${manifest.description}.`, '', table(referenceRows(manifest.configSchema)));
    }
  }
  return `${sections.join('\n')}\n`;
}

/** A schema's keys, nested objects flattened to dotted paths; `extraDefaults` for those the container supplies. */
export function referenceRows(schema: PluginManifest['configSchema'], extraDefaults: Record<string, unknown> = {}): ReferenceRow[] {
  if (!(schema instanceof z.ZodType)) return [];
  const root = z.toJSONSchema(schema, {io: 'input', unrepresentable: 'any'}) as JsonSchema;
  const rows: ReferenceRow[] = [];
  const walk = (node: JsonSchema, prefix: string) => {
    for (const [name, property] of Object.entries(node.properties ?? {})) {
      if (name === '$schema') continue;
      const key = `${prefix}${name}`;
      // A strict object's keys are the reference's (retry.limit); a plugin entry's belong to its plugin's.
      if (property.type === 'object' && property.additionalProperties === false && property.properties) {
        walk(property, `${key}.`);
        continue;
      }
      const value = key in extraDefaults ? extraDefaults[key] : property.default;
      const shown = value !== undefined ? `\`${JSON.stringify(value)}\`` : node.required?.includes(name) ? '*(required)*' : '—';
      rows.push({key, default: shown, description: property.description});
    }
  };
  walk(root, '');
  return rows;
}

function table(rows: readonly ReferenceRow[]): string {
  if (rows.length === 0) return 'No keys.';
  const cell = (text: string) => text.replaceAll('|', '\\|');
  return ['| key | default | meaning |', '|---|---|---|', ...rows.map((r) => `| \`${r.key}\` | ${cell(r.default)} | ${cell(r.description ?? '')} |`)].join(
    '\n',
  );
}
