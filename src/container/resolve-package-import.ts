import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {resolve} from 'import-meta-resolve';
import {ConfigError} from '../core/errors/config-error.js';

/**
 * Resolves an npm package specifier (`my-plugin`, `@scope/plugin/sub`) the way an `import` in a file of
 * `fromDir` would — Node's own ESM algorithm, with the "import" condition — and returns the file URL.
 *
 * Why not Node's: `import(specifier)` resolves from mms's own install, not the user's project;
 * `import.meta.resolve(specifier, parent)` ignores `parent` in Node 24 without a flag; and
 * `createRequire(fromDir).resolve` matches the "require" condition, so an ESM-only package fails.
 */
export function resolvePackageImport(specifier: string, fromDir: string, where: string): string {
  try {
    return resolve(specifier, pathToFileURL(join(fromDir, 'mms.config.js')).href);
  } catch (error) {
    const {code, message} = error as NodeJS.ErrnoException;
    if (code === 'ERR_MODULE_NOT_FOUND' && message.includes(`'${packageName(specifier)}'`)) {
      throw new ConfigError(
        `${where}: module not found from ${fromDir}; install the package there (npm install ${packageName(specifier)}) or use a relative path ("./my-plugin.js").`,
        {cause: error},
      );
    }
    if (code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') {
      throw new ConfigError(
        `${where}: the package exports nothing for import at this path (${firstLine(message)}); it must export its plugin under the "import" or "default" condition.`,
        {cause: error},
      );
    }
    throw new ConfigError(`${where}: cannot be resolved from ${fromDir} (${firstLine(message)}).`, {cause: error});
  }
}

/** `@scope/name` or `name`: the part of a specifier that names the package. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!;
}
