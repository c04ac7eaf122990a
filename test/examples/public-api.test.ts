import {readdir, readFile} from 'node:fs/promises';
import {join, relative} from 'node:path';
import test from 'ava';
import ts from 'typescript';
import * as publicApi from '../../src/index.js';
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

/** What user code may import: the package's public entry, Node built-ins, other packages, its own files. */
function allowed(specifier: string): boolean {
  if (specifier === 'mms') return true;
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
  t.true(allowed('mms'));
});

test('examples and the snippets of docs/PLUGINS.md import nothing of mms but its public entry point', async (t) => {
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
  'SinkError',
  'SourceError',
  'TOKENS',
  'UsageError',
  'defineConfig',
  'definePlugin',
  'formatUtc',
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
  'CandleQuery',
  'Clock',
  'ExitCode',
  'FailedWindow',
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

test('the values exported by the public entry point are exactly the pinned ones', (t) => {
  t.deepEqual(Object.keys(publicApi).sort(), [...PUBLIC_VALUES].sort());
});

test('the types exported by the public entry point are exactly the pinned ones (the Alarm contract included)', (t) => {
  // Types vanish at run time, so they are read the way a plugin author's compiler reads them.
  const entry = join(ROOT, 'src', 'index.ts');
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
  t.deepEqual(
    exported
      .filter((s) => !isValue(s))
      .map((s) => s.name)
      .sort(),
    [...PUBLIC_TYPES].sort(),
  );
  t.deepEqual(
    exported
      .filter(isValue)
      .map((s) => s.name)
      .sort(),
    [...PUBLIC_VALUES].sort(),
  );
});

test("TOKENS holds only the services a plugin is given; the container's internal tokens stay internal", (t) => {
  t.deepEqual(Object.keys(publicApi.TOKENS).sort(), ['Clock', 'HttpClientFactory', 'Logger']);
  t.is(publicApi.TOKENS.Clock, Symbol.for('mms.Clock'), 'the same identifiers the container binds');
});

/**
 * What docs/PLUGINS.md says of the bundled plugins: they import the contracts from the core's public entry;
 * the only internals they reach are these helpers, which are not part of the API.
 */
const BUNDLED_INTERNALS = new Set([
  '../../src/config/no-duplicates.js',
  '../../src/core/fs/write-file-atomic.js',
  '../../src/core/state/acquire-all.js',
  '../../src/core/state/file-lock.js',
  '../../src/core/state/file-state-store.js',
  '../../src/core/state/lock-holder.js',
  '../../src/core/unwritten-value.js',
]);

test('bundled plugins import the core through its public entry, apart from the few internal helpers the docs name', async (t) => {
  const sources = (await files(join(ROOT, 'plugins'))).filter((f) => !f.endsWith('.d.ts'));
  t.true(sources.length > 10);
  for (const file of sources) {
    for (const specifier of imports(await readFile(file, 'utf8'))) {
      if (!specifier.startsWith('../')) continue;
      t.true(specifier === '../../src/index.js' || BUNDLED_INTERNALS.has(specifier), `${relative(ROOT, file)} imports ${specifier}`);
    }
  }
  // Alarms need nothing internal but the atomic write of the file alarm: the example a user copies is clean.
  for (const alarm of ['log-alarm', 'webhook-alarm']) {
    const source = await readFile(join(ROOT, 'plugins', alarm, 'index.ts'), 'utf8');
    t.deepEqual(
      imports(source).filter((s) => s.startsWith('../')),
      ['../../src/index.js'],
      alarm,
    );
  }
});
