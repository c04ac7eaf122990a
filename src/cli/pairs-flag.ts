import {Flags} from '@oclif/core';
import {UsageError} from '../core/errors/usage-error.js';

/** `--pairs BRLBTC,brleth` → ['BRLBTC', 'BRLETH']; checked against the config by the service. */
export const pairsFlag = Flags.custom<string[]>({
  summary: 'Comma-separated pairs (default: every pair in the config).',
  helpValue: 'BRLBTC,BRLETH',
  parse: async (input) => {
    const pairs = [
      ...new Set(
        input
          .split(',')
          .map((p) => p.trim().toUpperCase())
          .filter(Boolean),
      ),
    ];
    if (pairs.length === 0) throw new UsageError('--pairs: name at least one pair, e.g. --pairs BRLBTC');
    return pairs;
  },
});
