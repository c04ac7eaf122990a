import {z} from 'zod';

const window = z
  .number({error: 'expected a positive integer'})
  .int({error: 'expected a positive integer'})
  .positive({error: 'expected a positive integer'})
  .max(1_000_000, {error: 'expected at most 1000000 bars'});

export const smaConfigSchema = z.strictObject({
  windows: z
    .array(window, {error: 'expected an array of positive integers, e.g. [20, 50, 200]'})
    .min(1, {error: 'expected at least one window'})
    .default([20, 50, 200])
    .superRefine((windows, context) => {
      // Each repeat is an issue at its own index, so the message points at it: `windows[2]: window 20 is listed twice`.
      windows.forEach((w, i) => {
        if (windows.indexOf(w) !== i) context.addIssue({code: 'custom', path: [i], message: `window ${w} is listed twice`, input: w});
      });
    })
    .meta({description: 'Window lengths in bars (at most 1,000,000 each); each adds the field mms_<n>.'}),
});

export type SmaConfig = z.output<typeof smaConfigSchema>;
