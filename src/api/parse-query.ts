import querystring from 'fast-querystring';

/** An integer as a person writes it: decimal digits, a minus sign at most (the schema then refuses negatives). */
export const DECIMAL_INTEGER = /^-?\d+$/;

/**
 * The router's query parser (fastify's own, fast-querystring), with one rule added: a value written in
 * decimal digits is that number; anything else stays text. Every query parameter of the API is an integer,
 * so the route schemas check them as integers (bounds, enums) with ajv's type coercion off: were it on, it
 * would read a value as JavaScript's `Number` does, and `0x14`, `2e1`, ` 20`, `+20`, `20.0` or
 * `19.99999999999999999` would all be range 20 — mistakes a client should hear about.
 */
export function parseQuery(query: string): Record<string, unknown> {
  const parsed = query.length === 0 ? {} : (querystring.parse(query) as Record<string, unknown>);
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'string' && DECIMAL_INTEGER.test(value)) parsed[key] = Number(value);
  }
  return parsed;
}
