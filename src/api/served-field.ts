import type {FieldDescription, Transform} from '../core/contracts/transform.js';

/** A field the API serves: what the configured transforms declare, in their order. */
export interface ServedField extends FieldDescription {
  readonly name: string;
}

/** Every field the transforms add, described as they describe it, or by its name when they do not. */
export function servedFields(transforms: readonly Transform[]): ServedField[] {
  return transforms.flatMap((transform) =>
    transform.fields.map((name) => ({
      name,
      ...(transform.describe?.[name] ?? {
        label: name,
        description: `Written by the ${transform.name} transform; null where it has no value`,
        unit: 'number' as const,
      }),
    })),
  );
}

/** The windows `/{pair}/mms?range=` offers: the `mms_<n>` fields, the simple moving averages. */
export function mmsWindows(fields: readonly ServedField[]): number[] {
  return fields
    .map((f) => /^mms_(\d+)$/.exec(f.name)?.[1])
    .filter((w): w is string => w !== undefined)
    .map(Number);
}
