import type {z} from 'zod';

/** A zod refinement for arrays: each repeated item is an issue at its own index, e.g. `windows[2]`. */
export function noDuplicates<T>(describe: (item: T) => string) {
  return (items: readonly T[], context: z.RefinementCtx) => {
    items.forEach((item, index) => {
      if (items.indexOf(item) !== index) context.addIssue({code: 'custom', path: [index], message: `${describe(item)} is listed twice`, input: item});
    });
  };
}
