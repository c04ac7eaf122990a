import {z} from 'zod';

export const jsonFileConfigSchema = z.strictObject({
  path: z
    .string({error: 'expected a file path'})
    .min(1, {error: 'expected a non-empty file path'})
    .default('data/mms.json')
    .meta({description: "The JSON array of records, relative to the config file's directory."}),
  state: z
    .string({error: 'expected a file path'})
    .min(1, {error: 'expected a non-empty file path'})
    .optional()
    .meta({description: 'The ledger (queued windows, source holes); a file other than path. Default: beside it, mms.state.json for mms.json.'}),
});

export type JsonFileConfig = z.output<typeof jsonFileConfigSchema>;
