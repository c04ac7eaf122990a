import {cp, mkdir, readdir, stat, symlink, writeFile} from 'node:fs/promises';
import {basename, join} from 'node:path';
import type {ExecutionContext} from 'ava';
import {ROOT} from './run-cli.js';
import {tempDir} from './temp-dir.js';

/**
 * A user's project in a temp directory: files of this repository copied as they are shipped (a directory
 * brings its files, not its tests or data), and a node_modules where `mms` (this checkout, as `npm install
 * mms` would place it) and the packages the examples import are installed. So an example runs exactly as
 * shipped, its `import ... from 'mms'` resolves the way it does for a user, and whatever it writes lands in
 * the temp directory, never in the repository.
 */
export async function exampleProject(t: ExecutionContext, paths: readonly string[], packages: readonly string[] = ['zod']): Promise<string> {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'package.json'), JSON.stringify({name: 'my-mms-project', private: true, type: 'module'}));
  for (const path of paths) {
    const source = join(ROOT, path);
    const files = (await stat(source)).isDirectory()
      ? (await readdir(source, {withFileTypes: true}))
          .filter((e) => e.isFile() && !e.name.endsWith('.test.ts') && e.name !== 'mms.state.json')
          .map((e) => join(source, e.name))
      : [source];
    for (const file of files) await cp(file, join(dir, basename(file)));
  }
  await mkdir(join(dir, 'node_modules'));
  // Node follows the links to their real paths, so the plugins and the CLI share one copy of mms.
  await symlink(ROOT, join(dir, 'node_modules', 'mms'), 'dir');
  for (const name of packages) await symlink(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name), 'dir');
  return dir;
}
