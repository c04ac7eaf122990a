import type {StandardSchemaV1} from '../core/contracts/standard-schema.js';
import {redactCredentials, redactUrl} from '../core/redact-url.js';

type Path = ReadonlyArray<PropertyKey | StandardSchemaV1.PathSegment>;

/** `transforms[0].windows[1]` from a schema issue path. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join('');
}

/**
 * One line per issue: `<file>: <key path>: <what is wrong>, got <value>`. The value is looked up in the raw
 * value (`raw`, which `prefix` locates in the file) rather than taken from the issue, so this works for
 * any Standard Schema validator.
 */
export function formatSchemaIssues(file: string, raw: unknown, issues: readonly StandardSchemaV1.Issue[], prefix: readonly PropertyKey[] = []): string {
  return issues
    .flatMap((issue) => {
      const own = normalizePath(issue.path ?? []);
      const path = [...prefix, ...own];
      const unknownKeys = (issue as {code?: string; keys?: string[]}).code === 'unrecognized_keys' ? (issue as unknown as {keys: string[]}).keys : undefined;
      if (unknownKeys) return unknownKeys.map((key) => `${file}: ${formatKeyPath([...path, key])}: unknown key (check the spelling, or remove it)`);
      const where = path.length > 0 ? `${formatKeyPath(path)}: ` : '';
      const value = valueAt(raw, own);
      return [`${file}: ${where}${issue.message}${value.found ? `, got ${show(value.value)}` : ''}`];
    })
    .join('\n');
}

function normalizePath(path: Path): PropertyKey[] {
  return path.map((segment) => (typeof segment === 'object' && segment !== null && 'key' in segment ? segment.key : (segment as PropertyKey)));
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): {found: boolean; value?: unknown} {
  let current = raw;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !(key in current)) return {found: false};
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return {found: current !== undefined, value: current};
}

function show(value: unknown): string {
  const json = redactCredentials(JSON.stringify(hideUserinfo(value)) ?? String(value));
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

/**
 * A URL as it may be shown: credentials masked by redactUrl, which also reaches those that the pattern of
 * redactCredentials misses (a URL refused for not parsing may have a space or a slash in its password),
 * and the path left out, since a webhook's path is often its secret.
 */
function hideUserinfo(value: unknown): unknown {
  if (typeof value !== 'string' || !/^\s*[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value;
  const shown = /:\/\/.*@/s.test(value) ? redactUrl(value) : value;
  return shown.replace(/^(\s*[a-z][a-z0-9+.-]*:\/\/[^/?#]*)[/?#].+$/is, '$1/…');
}
