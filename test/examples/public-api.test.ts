import {readdir, readFile} from 'node:fs/promises';
import {join, relative} from 'node:path';
import test from 'ava';
import {ROOT} from '../helpers/run-cli.js';

/** Every import specifier in a TypeScript source or a ```ts block. */
function imports(source: string): string[] {
  return [...source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, {withFileTypes: true, recursive: true});
  return entries.filter((e) => e.isFile() && /\.(ts|mts|js|mjs)$/.test(e.name) && !e.parentPath.includes('data')).map((e) => join(e.parentPath, e.name));
}

/** What user code may import: the package's public entry, Node built-ins, other packages, its own files. */
function allowed(specifier: string): boolean {
  if (specifier === 'mms') return true;
  if (specifier.startsWith('node:')) return true;
  if (specifier.startsWith('./')) return true;
  return !specifier.startsWith('.') && !specifier.startsWith('/') && !specifier.startsWith('mms/');
}

test('examples and the snippets of docs/PLUGINS.md import nothing of mms but its public entry point', async (t) => {
  const sources = await files(join(ROOT, 'examples'));
  const plugins = await readFile(join(ROOT, 'docs', 'PLUGINS.md'), 'utf8');
  const snippets = [...plugins.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  t.true(sources.length >= 4);
  t.true(snippets.length >= 3);
  for (const [where, text] of [...(await Promise.all(sources.map(async (f) => [relative(ROOT, f), await readFile(f, 'utf8')] as const))), ...snippets.map((s, i) => [`docs/PLUGINS.md snippet ${i + 1}`, s] as const)]) {
    for (const specifier of imports(text)) t.true(allowed(specifier), `${where} imports ${specifier}`);
  }
});

test('every TypeScript snippet of docs/PLUGINS.md is a file of examples/ that the tests run, so the docs cannot drift', async (t) => {
  const plugins = await readFile(join(ROOT, 'docs', 'PLUGINS.md'), 'utf8');
  const snippets = [...plugins.matchAll(/<!-- file: (\S+) -->\n```ts\n([\s\S]*?)```/g)];
  t.true(snippets.length >= 3, 'snippets are labelled with the file they show');
  for (const [, file, code] of snippets) {
    const source = await readFile(join(ROOT, file!), 'utf8');
    t.true(source.includes(code!.trim()), `${file} contains the snippet shown in docs/PLUGINS.md`);
  }
});
