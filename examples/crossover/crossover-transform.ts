import {type BarSeries, definePlugin} from 'mms';
import {z} from 'zod';

/**
 * A transform as a user writes it: +1 on the day the fast average crosses above the slow one (a "golden
 * cross"), -1 when it crosses below, 0 otherwise, NaN (stored as null) when either is unknown that day or
 * the day before. It reads the columns the `sma` transform configured before it produced.
 */
export default definePlugin({
  name: 'crossover',
  kind: 'transform',
  description: 'Signals the days a fast moving average crosses a slow one (+1 up, -1 down, 0 none)',
  configSchema: z.strictObject({
    fast: z.string().default('mms_20'),
    slow: z.string().default('mms_50'),
  }),
  create({config}) {
    const field = `cross_${config.fast.replace('mms_', '')}_${config.slow.replace('mms_', '')}`;
    return {
      name: 'crossover',
      fields: [field],
      // How `mms serve` documents the field and draws it: a signal, not a price, so on an axis of its own.
      describe: {
        [field]: {
          label: `Cross ${config.fast}/${config.slow}`,
          description: `+1 the day ${config.fast} crosses above ${config.slow}, -1 below, 0 otherwise; null without both that day and the day before`,
          unit: 'number',
        },
      },
      // It compares today with yesterday, so it needs one bar more than the slow average's own lookback.
      lookback: Number(config.slow.replace('mms_', '')) + 1,
      apply(series: BarSeries) {
        const fast = series.fields.get(config.fast);
        const slow = series.fields.get(config.slow);
        if (!fast || !slow) throw new Error(`crossover needs ${config.fast} and ${config.slow}: configure the sma transform before it`);
        const signal = new Float64Array(series.length).fill(Number.NaN);
        for (let i = 1; i < series.length; i++) {
          const before = fast[i - 1]! - slow[i - 1]!;
          const now = fast[i]! - slow[i]!;
          if (Number.isNaN(before) || Number.isNaN(now)) continue;
          signal[i] = before <= 0 && now > 0 ? 1 : before >= 0 && now < 0 ? -1 : 0;
        }
        return new Map([[field, signal]]);
      },
    };
  },
});
