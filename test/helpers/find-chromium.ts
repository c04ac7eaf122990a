import {accessSync, constants} from 'node:fs';
import {delimiter, join} from 'node:path';

/**
 * The system's Chromium (Debian's `chromium` package), or `MMS_TEST_CHROMIUM`: the browser tests drive it
 * with playwright-core, which never downloads a browser of its own. Undefined when there is none.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.MMS_TEST_CHROMIUM) return env.MMS_TEST_CHROMIUM;
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const path = join(dir, name);
      try {
        accessSync(path, constants.X_OK);
        return path;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}
