import {readdir, readFile} from 'node:fs/promises';
import {dirname, join, relative, resolve, sep} from 'node:path';
import test from 'ava';
import ts from 'typescript';
import * as publicApi from '../../src/index.js';
import * as pluginKit from '../../src/plugin-kit.js';
import {ROOT} from '../helpers/run-cli.js';

/**
 * Every import specifier in a TypeScript source or a ```ts block: static imports and re-exports (also over
 * several lines), bare `import '…'`, `import('…')` and `require('…')` with a literal specifier.
 */
function imports(source: string): string[] {
  const patterns = [
    /^\s*(?:import|export)\s[^'";]*?\sfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\s*\(\s*['"`]([^'"`]+)['"`]/g,
    /\brequire\s*\(\s*['"`]([^'"`]+)['"`]/g,
  ];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((m) => m[1]!));
}

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, {withFileTypes: true, recursive: true});
  return entries
    .filter((e) => e.isFile() && /\.(ts|mts|cts|js|mjs|cjs)$/.test(e.name) && !e.parentPath.includes('data'))
    .map((e) => join(e.parentPath, e.name));
}

/** What user code may import: the package's public entry points, Node built-ins, other packages, its own files. */
function allowed(specifier: string): boolean {
  if (specifier === 'mms' || specifier === 'mms/plugin-kit') return true;
  if (specifier.startsWith('node:')) return true;
  if (specifier.startsWith('./')) return true;
  return !specifier.startsWith('.') && !specifier.startsWith('/') && !specifier.startsWith('mms/');
}

const pluginsDoc = () => readFile(join(ROOT, 'docs', 'PLUGINS.md'), 'utf8');

test('the import scan sees every form of import, so a forbidden one cannot slip past it', (t) => {
  const source = [
    "import {a} from 'one';",
    "import type {B} from 'two';",
    'import {\n  c,\n  d,\n} from "three";',
    "export * from 'four';",
    "import 'five';",
    "const m = await import('six');",
    'const n = await import(`seven`);',
    "const o = require('eight');",
    "// a word like important('x') is not an import",
  ].join('\n');
  t.deepEqual(imports(source).sort(), ['eight', 'five', 'four', 'one', 'seven', 'six', 'three', 'two']);
  t.false(allowed('../../src/core/tokens.js'));
  t.false(allowed('mms/dist/src/core/tokens.js'));
  t.false(allowed('mms/dist/src/plugin-kit.js'));
  t.true(allowed('mms'));
  t.true(allowed('mms/plugin-kit'));
});

test('examples and the snippets of docs/PLUGINS.md import nothing of mms but its public entry points', async (t) => {
  const sources = await files(join(ROOT, 'examples'));
  const snippets = [...(await pluginsDoc()).matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  t.true(sources.length >= 8);
  t.true(snippets.length >= 6);
  for (const [where, text] of [
    ...(await Promise.all(sources.map(async (f) => [relative(ROOT, f), await readFile(f, 'utf8')] as const))),
    ...snippets.map((s, i) => [`docs/PLUGINS.md snippet ${i + 1}`, s] as const),
  ]) {
    for (const specifier of imports(text)) t.true(allowed(specifier), `${where} imports ${specifier}`);
  }
});

test('every TypeScript snippet of docs/PLUGINS.md is labelled with a file of examples/ and appears in it verbatim, so the docs cannot drift', async (t) => {
  const doc = await pluginsDoc();
  // An unlabelled ```ts block would be prose nobody runs: every one must name the example file it shows.
  const all = [...doc.matchAll(/```ts\n/g)].length;
  const labelled = [...doc.matchAll(/<!-- file: (\S+) -->\n```ts\n([\s\S]*?)```/g)];
  t.is(labelled.length, all, 'every ```ts block of docs/PLUGINS.md is preceded by <!-- file: examples/... -->');
  t.true(labelled.length >= 6);
  const shown = new Set<string>();
  for (const [, file, code] of labelled) {
    t.true(file!.startsWith('examples/'), `${file} is an example (the examples are run by the tests)`);
    const source = await readFile(join(ROOT, file!), 'utf8');
    t.true(source.includes(code!.trim()), `${file} contains the snippet shown in docs/PLUGINS.md`);
    shown.add(file!.split('/')[1]!);
  }
  // One example of each kind of plugin, and the conformance test of a sink.
  for (const example of ['csv-source', 'crossover', 'ndjson-sink', 'line-alarm']) t.true(shown.has(example), `docs/PLUGINS.md shows examples/${example}`);
});

/**
 * The public API, pinned: removing or renaming one of these breaks plugins and configs (a major release);
 * adding one makes it part of the contract. Either way the change must be made here on purpose.
 */
const PUBLIC_VALUES = [
  'AlarmError',
  'ConfigError',
  'EXIT_CODES',
  'LockedError',
  'MmsError',
  'PLUGIN_KINDS',
  'RESOLUTIONS',
  'RUNS_KEPT',
  'SinkError',
  'SourceError',
  'TOKENS',
  'UsageError',
  'candleFromDecimals',
  'defineConfig',
  'definePlugin',
  'exactDecimal',
  'formatUtc',
  'heldExactly',
  'isMmsError',
  'isSourceError',
  'redactCredentials',
  'redactUrl',
  'resolutionSeconds',
  'sinkConformance',
];
const PUBLIC_TYPES = [
  'Alarm',
  'BarSeries',
  'Candle',
  'CandlePage',
  'CandleStore',
  'CandleQuery',
  'Clock',
  'ExactDecimals',
  'ExitCode',
  'FailedWindow',
  'FieldDescription',
  'GapCause',
  'GapReport',
  'GapRun',
  'HeldLock',
  'HttpClient',
  'HttpClientFactory',
  'HttpClientOptions',
  'LedgerState',
  'LockOwner',
  'Logger',
  'MmsConfig',
  'MmsRecord',
  'PairGaps',
  'PluginContext',
  'PluginInstances',
  'PluginKind',
  'PluginManifest',
  'Resolution',
  'RestatedBar',
  'RunRecord',
  'Sink',
  'SinkConformanceOptions',
  'Source',
  'SourceErrorKind',
  'SourceHole',
  'SourcePlan',
  'StandardSchemaV1',
  'StateStore',
  'TimeRange',
  'Transform',
];

/** `mms/plugin-kit`, pinned the same way: the helpers a sink or an alarm reuses (docs/PLUGINS.md). It exports no types. */
const PLUGIN_KIT_VALUES = [
  'FileStateStore',
  'LOCK_HEARTBEAT_MS',
  'acquireAll',
  'acquireFileLock',
  'candleFromStored',
  'lockIsStale',
  'lockedError',
  'makeDirectory',
  'parseHolder',
  'storedValue',
  'unreadableLockError',
  'unwrittenCandle',
  'unwrittenValue',
  'writeFileAtomic',
];

test('the values exported by the public entry points are exactly the pinned ones', (t) => {
  t.deepEqual(Object.keys(publicApi).sort(), [...PUBLIC_VALUES].sort());
  t.deepEqual(Object.keys(pluginKit).sort(), [...PLUGIN_KIT_VALUES].sort());
});

test('package.json exports the public entry points, and nothing else of dist', async (t) => {
  const {exports} = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {exports: Record<string, unknown>};
  t.deepEqual(exports, {
    '.': {types: './dist/src/index.d.ts', default: './dist/src/index.js'},
    './plugin-kit': {types: './dist/src/plugin-kit.d.ts', default: './dist/src/plugin-kit.js'},
  });
});

/** The names `entry` exports, split into types and values the way a plugin author's compiler sees them. */
function exportsOf(entry: string): {types: string[]; values: string[]} {
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2023,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(entry)!)!);
  const isValue = (symbol: ts.Symbol) => ((symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol).flags & ts.SymbolFlags.Value) !== 0;
  return {
    types: exported
      .filter((s) => !isValue(s))
      .map((s) => s.name)
      .sort(),
    values: exported
      .filter(isValue)
      .map((s) => s.name)
      .sort(),
  };
}

test('the types exported by the public entry points are exactly the pinned ones (the Alarm contract included)', (t) => {
  // Types vanish at run time, so they are read the way a plugin author's compiler reads them.
  t.deepEqual(exportsOf(join(ROOT, 'src', 'index.ts')), {types: [...PUBLIC_TYPES].sort(), values: [...PUBLIC_VALUES].sort()});
  t.deepEqual(exportsOf(join(ROOT, 'src', 'plugin-kit.ts')), {types: [], values: [...PLUGIN_KIT_VALUES].sort()});
});

test("TOKENS holds only the services a plugin is given; the container's internal tokens stay internal", (t) => {
  t.deepEqual(Object.keys(publicApi.TOKENS).sort(), ['Clock', 'HttpClientFactory', 'Logger']);
  t.is(publicApi.TOKENS.Clock, Symbol.for('mms.Clock'), 'the same identifiers the container binds');
});

/** The source files of the public entry points, `mms` and `mms/plugin-kit`: all a bundled plugin may import of src/. */
const ENTRY_POINTS = new Set(['index.ts', 'plugin-kit.ts'].map((name) => join(ROOT, 'src', name)));

/**
 * Where an import of a file of the plugin `plugin` (its folder) leads, when that is somewhere it may not go:
 * src/ other than an entry point, outside its own folder (another plugin, test helpers), or `mms` by name,
 * which is the built copy in dist/ (its classes would not be the ones the core checks against). Undefined
 * when allowed.
 */
function forbiddenTarget(file: string, plugin: string, specifier: string): string | undefined {
  if (specifier.startsWith('/') || specifier === 'mms' || specifier.startsWith('mms/')) return specifier;
  if (!specifier.startsWith('.')) return undefined;
  const target = resolve(dirname(file), specifier).replace(/\.js$/, '.ts');
  if (ENTRY_POINTS.has(target)) return undefined;
  return target.startsWith(`${plugin}${sep}`) ? undefined : relative(ROOT, target);
}

test('the entry-point rule refuses what a user could not import: internals of src/, another plugin', (t) => {
  const file = join(ROOT, 'plugins', 'json-file', 'json-file-sink.ts');
  const plugin = join(ROOT, 'plugins', 'json-file');
  t.is(forbiddenTarget(file, plugin, '../../src/index.js'), undefined);
  t.is(forbiddenTarget(file, plugin, '../../src/plugin-kit.js'), undefined);
  t.is(forbiddenTarget(file, plugin, './config-schema.js'), undefined);
  t.is(forbiddenTarget(file, plugin, 'zod'), undefined);
  t.is(forbiddenTarget(file, plugin, '../../src/core/state/file-lock.js'), join('src', 'core', 'state', 'file-lock.ts'));
  t.is(forbiddenTarget(file, plugin, '../sqlite/sqlite-lock.js'), join('plugins', 'sqlite', 'sqlite-lock.ts'));
  t.is(forbiddenTarget(file, plugin, 'mms/plugin-kit'), 'mms/plugin-kit');
});

test('bundled plugins import mms only through its public entry points (index and plugin-kit), as a user plugin does', async (t) => {
  const sources = (await files(join(ROOT, 'plugins'))).filter((f) => !f.endsWith('.d.ts'));
  t.true(sources.length > 10);
  for (const file of sources) {
    const plugin = join(ROOT, 'plugins', relative(join(ROOT, 'plugins'), file).split(sep)[0]!);
    for (const specifier of imports(await readFile(file, 'utf8'))) {
      const target = forbiddenTarget(file, plugin, specifier);
      t.is(target, undefined, `${relative(ROOT, file)} imports ${specifier}: import it from src/index.ts or src/plugin-kit.ts`);
    }
  }
});
