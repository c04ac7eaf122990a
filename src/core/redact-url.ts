/** The URL with any user name and password replaced by `***`, safe for messages and logs. */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return redactCredentials(String(url));
  }
  if (parsed.username || parsed.password) {
    parsed.username = '***';
    parsed.password = '';
  }
  return parsed.toString();
}

/**
 * Any text with the `user:password@` part of every URL in it replaced by `***@`: the last line of defence
 * for messages that quote a library's own error (which may quote the URL it was given).
 */
export function redactCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>]+@/gi, '$1***@');
}
