import {z} from 'zod';

export const jsonFileConfigSchema = z.strictObject({
  /** The JSON array of records; a relative path resolves against the config file's directory. */
  path: z.string({error: 'expected a file path'}).min(1, {error: 'expected a non-empty file path'}).default('data/mms.json'),
  /** The run state (failed windows, source holes); default: beside `path`, `<name>.state.json`. */
  state: z.string({error: 'expected a file path'}).min(1, {error: 'expected a non-empty file path'}).optional(),
});

export type JsonFileConfig = z.output<typeof jsonFileConfigSchema>;
