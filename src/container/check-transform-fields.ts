import type {Transform} from '../core/contracts/transform.js';
import {ConfigError} from '../core/errors/config-error.js';

/** Record keys the pipeline writes itself; a transform field with one of these names would overwrite it. */
const RESERVED_FIELDS = new Set(['pair', 'timestamp', 'close']);

/** The configured transforms' fields, each written by one of them and none a key of the record itself. */
export function checkTransformFields(configFile: string, transforms: readonly Transform[]): void {
  const seen = new Map<string, number>();
  for (const [i, transform] of transforms.entries()) {
    for (const field of transform.fields) {
      const where = `${configFile}: transforms[${i}] ("${transform.name}")`;
      if (RESERVED_FIELDS.has(field)) throw new ConfigError(`${where}: field "${field}" is reserved for the record itself; rename it.`);
      const other = seen.get(field);
      if (other !== undefined) throw new ConfigError(`${where}: field "${field}" is also written by transforms[${other}]; one would overwrite the other.`);
      seen.set(field, i);
    }
  }
}
