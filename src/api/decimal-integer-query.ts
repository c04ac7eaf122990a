import type {preValidationHookHandler} from 'fastify';
import type {ApiErrorBody} from './api-error.js';

/** An integer as a person writes it: decimal digits, a minus sign at most (the schema then refuses negatives). */
const DECIMAL_INTEGER = /^-?\d+$/;

/**
 * The hook that makes a route's integer query parameters exactly decimal integers, or undefined when its
 * query has none. The schema's type coercion (ajv `coerceTypes`) reads a value as JavaScript's `Number`
 * does: `0x14`, `2e1`, ` 20`, `+20`, `20.0` and `19.99999999999999999` would all be range 20, and
 * `1619481599.9999999` would pass the 365-day check as the second after it. A client sending one of those
 * has made a mistake it should hear about, so such values never reach the coercion.
 */
export function decimalIntegerQuery(querystring: unknown): preValidationHookHandler | undefined {
  const properties = (querystring as {properties?: Record<string, {type?: unknown}>} | undefined)?.properties ?? {};
  const keys = Object.keys(properties).filter((key) => properties[key]!.type === 'integer');
  if (keys.length === 0) return undefined;
  return (request, reply, done) => {
    const query = request.query as Record<string, unknown>;
    for (const key of keys) {
      const value = query[key];
      if (value === undefined || (typeof value === 'string' && DECIMAL_INTEGER.test(value))) continue;
      const body: ApiErrorBody = {
        error: `invalid_${key}`,
        message: Array.isArray(value)
          ? `${key} is given ${value.length} times; give it once.`
          : `${key} must be ${integerMeaning(key)} in decimal digits, got ${JSON.stringify(shorten(String(value)))}.`,
      };
      reply.code(400).send(body);
      return;
    }
    done();
  };
}

/** What an integer query parameter counts, for messages: `range` is days, every other one a time. */
export function integerMeaning(key: string): string {
  return key === 'range' ? 'an integer (days)' : 'an integer (Unix seconds)';
}

/** A value as quoted in a message: long ones cut, so an answer never echoes a whole oversized query back. */
function shorten(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
