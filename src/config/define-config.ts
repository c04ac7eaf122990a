import type {MmsConfigInput} from './config-schema.js';

type PluginRefInput = {use: string; [key: string]: unknown};

export interface MmsConfig extends Omit<MmsConfigInput, 'source' | 'transforms' | 'sink' | 'alarms'> {
  source?: PluginRefInput;
  transforms?: PluginRefInput[];
  sink?: PluginRefInput;
  alarms?: PluginRefInput[];
}

/** Identity function that gives `mms.config.ts` type checking and completion. */
export function defineConfig(config: MmsConfig): MmsConfig {
  return config;
}
