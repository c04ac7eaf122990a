import {Flags} from '@oclif/core';

export const configFlag = Flags.string({
  char: 'c',
  summary: 'Config file (mms.config.ts/.js/.mjs/.json, .mmsrc.json/.yaml). Default: searched from the working directory up to the project root.',
  helpValue: '<path>',
});
