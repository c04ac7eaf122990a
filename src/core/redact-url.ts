/** Scheme and credentials of a URL: `scheme://` then everything up to the last `@` before a path or space. */
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)[^\s/]*@/gi;
/** Secrets shorter than this are not masked in free text: replacing every "ab" would garble all output. */
const MIN_SECRET_LENGTH = 4;
/** The credentials of every URL in the config (see maskCredentialsOf), masked wherever they show up. */
const secrets = new Set<string>();

/** The URL with any user name and password replaced by `***`, safe for messages and logs. */
export function redactUrl(url: string | URL): string {
  const text = String(url);
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    // Not a WHATWG URL (a MongoDB seed list `h1:1,h2:2`, an unescaped character): everything between the
    // scheme and the last `@` goes, host included if need be; a URL of ours is never worth a password.
    return text.replace(/^(\s*[a-z][a-z0-9+.-]*:\/\/).*@/is, '$1***@');
  }
  if (parsed.username || parsed.password) {
    parsed.username = '***';
    parsed.password = '';
  }
  return parsed.toString();
}

/**
 * Any text with the `user:password@` part of every URL in it replaced by `***@`: for everything printed,
 * results included, since a URL with credentials never has a reason to be shown.
 */
export function redactCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1***@');
}

/**
 * redactCredentials, and every credential seen in the config replaced by `***` wherever it stands: the last
 * line of defence for errors and log lines that quote a library's own message (which may quote the URL it
 * was given, or only the password). Not for results: a short password would mask ordinary words and dates.
 */
export function redactSecrets(text: string): string {
  let clean = redactCredentials(text);
  for (const secret of secrets) if (clean.includes(secret)) clean = clean.split(secret).join('***');
  return clean;
}

/**
 * Remembers the credentials of every URL found in `value` (a config, walked deeply), so that
 * redactSecrets masks them even where no URL shape surrounds them — a password quoted alone by a
 * driver, or a seed-list URL whose password has characters that stop the URL pattern.
 */
export function maskCredentialsOf(value: unknown, seen = new Set<unknown>()): void {
  if (typeof value === 'string') {
    const userinfo = /^\s*[a-z][a-z0-9+.-]*:\/\/(.*)@/is.exec(value)?.[1];
    if (userinfo === undefined) return;
    const password = userinfo.slice(userinfo.indexOf(':') + 1);
    for (const secret of [userinfo, password, safeDecode(userinfo), safeDecode(password)]) {
      if (secret.length >= MIN_SECRET_LENGTH) secrets.add(secret);
    }
    return;
  }
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  for (const item of Array.isArray(value) ? value : Object.values(value)) maskCredentialsOf(item, seen);
}

/** Every string inside `value` passed through redactCredentials (for results printed as JSON). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactCredentials(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item)) as T;
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item)])) as T;
  }
  return value;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
