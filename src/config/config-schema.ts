import {z} from 'zod';
import {RESOLUTIONS} from '../core/contracts/resolution.js';
import {noDuplicates} from './no-duplicates.js';

/** `use` picks the plugin; every other key belongs to that plugin's own (strict) schema. */
const pluginRef = z.looseObject(
  {use: z.string({error: 'expected the name of a plugin'}).min(1, {error: 'expected the name of a plugin'})},
  {error: 'expected an object naming its plugin, e.g. {"use": "sma", "windows": [20, 50, 200]}'},
);

const pair = z
  .string({error: 'expected a pair name such as "BRLBTC"'})
  .regex(/^[A-Z0-9]{2,20}$/, {error: 'expected a pair name in capitals, such as "BRLBTC"'});

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  pairs: z
    .array(pair, {error: 'expected an array of pair names, e.g. ["BRLBTC", "BRLETH"]'})
    .min(1, {error: 'expected at least one pair'})
    .default(['BRLBTC', 'BRLETH'])
    .superRefine(noDuplicates((p) => `pair ${p}`)),
  resolution: z.enum(RESOLUTIONS, {error: `expected one of ${RESOLUTIONS.join(', ')}`}).default('1d'),
  /** Bars the first run loads into an empty store (365 days for the daily job). */
  initialBars: z
    .number({error: 'expected a positive integer'})
    .int({error: 'expected a positive integer'})
    .positive({error: 'expected a positive integer'})
    .max(10_000_000, {error: 'expected at most 10000000 bars'})
    .default(365),
  source: pluginRef,
  transforms: z
    .array(pluginRef, {error: 'expected an array of transforms, e.g. [{"use": "sma", "windows": [20, 50, 200]}]'})
    .min(1, {error: 'expected at least one transform'}),
  sink: pluginRef,
  /** Raised by `mms gaps` when bars are missing, once per run. */
  alarms: z.array(pluginRef, {error: 'expected an array of alarms, e.g. [{"use": "log"}, {"use": "webhook", "url": "https://..."}]'}),
  /** Modules (relative paths or npm package names) whose default export is a plugin manifest or an array of them. */
  plugins: z
    .array(z.string({error: 'expected a module path or package name'}).min(1), {error: 'expected an array of module paths or package names'})
    .default([]),
});

export type PluginRef = z.output<typeof pluginRef>;

/** What a config that leaves out `source`, `transforms` or `sink` gets; provided by the container. */
export interface PipelineDefaults {
  readonly source: PluginRef;
  readonly transforms: readonly PluginRef[];
  readonly sink: PluginRef;
  readonly alarms: readonly PluginRef[];
}
export type MmsConfigInput = z.input<typeof configSchema>;

export interface ResolvedConfig extends z.output<typeof configSchema> {
  /** The config file as named in messages (relative to the working directory), or "defaults". */
  readonly file: string;
  /** Directory that relative paths in the config resolve against. */
  readonly dir: string;
}
