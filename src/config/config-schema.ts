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
  $schema: z.string().optional().meta({description: 'A JSON Schema for editors; ignored by mms.'}),
  pairs: z
    .array(pair, {error: 'expected an array of pair names, e.g. ["BRLBTC", "BRLETH"]'})
    .min(1, {error: 'expected at least one pair'})
    .default(['BRLBTC', 'BRLETH'])
    .superRefine(noDuplicates((p) => `pair ${p}`))
    .meta({description: 'Pairs as the challenge names them: quote + base, e.g. BRLBTC.'}),
  resolution: z
    .enum(RESOLUTIONS, {error: `expected one of ${RESOLUTIONS.join(', ')}`})
    .default('1d')
    .meta({
      description:
        "Bar size: 1m, 15m, 1h, 3h or 1d. Windows and initialBars count bars of this size. MB's 1w and 1M are not supported: the bar arithmetic needs fixed-length UTC buckets on the Unix-epoch grid; months differ in length, and MB documents no start day for its weeks.",
    }),
  initialBars: z
    .number({error: 'expected a positive integer'})
    .int({error: 'expected a positive integer'})
    .positive({error: 'expected a positive integer'})
    .max(10_000_000, {error: 'expected at most 10000000 bars'})
    .default(365)
    .meta({description: 'Bars the first run loads into an empty store (365 days for the daily job); at most 10,000,000.'}),
  recheckBars: z
    .number({error: 'expected an integer from 0 to 1000'})
    .int({error: 'expected an integer from 0 to 1000'})
    .min(0, {error: 'expected an integer from 0 to 1000'})
    .max(1000, {error: 'expected an integer from 0 to 1000'})
    .default(7)
    .meta({
      description:
        'Bars before the first one a run writes that it fetches again at least (besides the look-back its windows need) and compares with the stored candles, in sinks that keep candles: a candle the exchange restated is stored anew and every average over it recomputed.',
    }),
  source: pluginRef.meta({description: 'Where candles come from: a source plugin and its keys.'}),
  transforms: z
    .array(pluginRef, {error: 'expected an array of transforms, e.g. [{"use": "sma", "windows": [20, 50, 200]}]'})
    .min(1, {error: 'expected at least one transform'})
    .meta({description: 'Indicator steps, applied in order; each adds its fields to every record.'}),
  sink: pluginRef.meta({description: 'Where records go, with the run state and locks beside them.'}),
  alarms: z
    .array(pluginRef, {error: 'expected an array of alarms, e.g. [{"use": "log"}, {"use": "webhook", "url": "https://..."}]'})
    .meta({description: 'What `mms gaps` raises when bars are missing or incomplete, once per run, all of them even if one fails.'}),
  plugins: z
    .array(z.string({error: 'expected a module path or package name'}).min(1), {error: 'expected an array of module paths or package names'})
    .default([])
    .meta({
      description:
        'Modules that add plugins: a path relative to the config file, or an npm package name. Each default-exports a plugin manifest, or an array of them.',
    }),
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
