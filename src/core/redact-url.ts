/** The URL with any user name and password replaced by `***`, safe for messages and logs. */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    // Not a URL we can parse: strip anything that looks like `user:pass@` rather than risk echoing it.
    return String(url).replace(/\/\/[^/@\s]*@/, '//***@');
  }
  if (parsed.username || parsed.password) {
    parsed.username = '***';
    parsed.password = '';
  }
  return parsed.toString();
}
