import {access, mkdir, writeFile} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import type {Container} from 'inversify';
import type {SmaTransform} from '../../plugins/sma/sma-transform.js';
import type {JsonFileSink} from '../../plugins/json-file/json-file-sink.js';
import type {SqliteSink} from '../../plugins/sqlite/sqlite-sink.js';
import {CONFIG_SEARCH_PLACES, loadConfig as loadWithDefaults} from '../../src/config/load-config.js';
import {BUNDLED_DEFAULTS} from '../../src/container/bundled-plugins.js';

/** Config loading as the commands do it: with the bundled plugins as defaults. */
const loadConfig = (options: {cwd: string; configPath?: string}) => loadWithDefaults({...options, defaults: BUNDLED_DEFAULTS});
import type {ResolvedConfig} from '../../src/config/config-schema.js';
import {buildContainer, closeContainer} from '../../src/container/build-container.js';
import type {Clock} from '../../src/core/contracts/clock.js';
import type {Logger} from '../../src/core/contracts/logger.js';
import {RESOLUTIONS} from '../../src/core/contracts/resolution.js';
import type {Sink} from '../../src/core/contracts/sink.js';
import type {Source} from '../../src/core/contracts/source.js';
import type {Transform} from '../../src/core/contracts/transform.js';
import {ConfigError} from '../../src/core/errors/config-error.js';
import {EXIT_CODES} from '../../src/core/errors/exit-codes.js';
import {TOKENS} from '../../src/core/tokens.js';
import {tempDir} from '../helpers/temp-dir.js';

const clock: Clock = {now: () => Date.parse('2022-04-27T12:00:00Z')};
const silentLogger: Logger = {debug: () => {}, info: () => {}, warn: () => {}, error: () => {}};

/** The README's config, exactly as a user would write it. */
const README_JSON = `{"pairs": ["BRLBTC", "BRLETH"], "source": { "use": "mercado-bitcoin", "api": "v4", "baseUrl": "https://api.mercadobitcoin.net/api/v4" }, "transforms": [{ "use": "sma", "windows": [20, 50, 200] }], "sink": { "use": "json-file", "path": "data/mms.json" }}`;

/**
 * A temporary project: a package.json (ESM, like the real one) bounds cosmiconfig's upward search, so
 * nothing above the temp dir can leak into a test.
 */
async function project(t: ExecutionContext, files: Record<string, string> = {}): Promise<string> {
  const dir = await tempDir(t);
  await write(dir, 'package.json', JSON.stringify({name: 'mms-fixture', private: true, type: 'module'}));
  for (const [name, content] of Object.entries(files)) await write(dir, name, content);
  return dir;
}

async function write(dir: string, name: string, content: string): Promise<string> {
  const file = join(dir, name);
  await mkdir(dirname(file), {recursive: true});
  await writeFile(file, content);
  return file;
}

async function build(t: ExecutionContext, config: ResolvedConfig): Promise<Container> {
  const container = await buildContainer({config, clock, logger: silentLogger});
  t.teardown(() => closeContainer(container));
  return container;
}

async function loadAndBuild(t: ExecutionContext, dir: string, configPath?: string): Promise<Container> {
  return build(t, await loadConfig({cwd: dir, configPath}));
}

/** Asserts a ConfigError (exit code 2) and returns it for message checks. */
async function configError(t: ExecutionContext, promise: Promise<unknown>): Promise<ConfigError> {
  const error = await t.throwsAsync(promise, {instanceOf: ConfigError});
  t.is(error.exitCode, EXIT_CODES.usage);
  t.is(error.exitCode, 2);
  t.is(error.code, 'MMS_CONFIG');
  return error;
}

/** A plugin module's source: a manifest object with a hand-written Standard Schema. */
function transformModule(name: string, validate = '(value) => ({value})'): string {
  return `const configSchema = {'~standard': {version: 1, vendor: 'test', validate: ${validate}}};
export default {
  name: ${JSON.stringify(name)},
  kind: 'transform',
  description: 'a test transform',
  configSchema,
  create: (context) => ({
    name: ${JSON.stringify(name)},
    // Its own field, so that two of these in one config are a valid pipeline.
    fields: [${JSON.stringify(name.replace(/\W/g, '_'))}],
    lookback: 1,
    apply: () => new Map(),
    seen: {config: context.config, configPath: context.configPath, configDir: context.configDir, pairs: context.pairs},
  }),
};
`;
}

test('the README JSON config, found by search as mms.config.json, resolves to exactly the values written in it', async (t) => {
  const dir = await project(t, {'mms.config.json': README_JSON});
  const config = await loadConfig({cwd: dir});
  const written = JSON.parse(README_JSON) as Record<string, unknown>;
  t.is(config.file, 'mms.config.json');
  t.is(config.dir, dir);
  t.deepEqual(config.pairs, written.pairs);
  t.deepEqual(config.source, written.source);
  t.deepEqual(config.transforms, written.transforms);
  t.deepEqual(config.sink, written.sink);
  // Keys the file does not set take their defaults.
  t.is(config.resolution, '1d');
  t.is(config.initialBars, 365);
  t.deepEqual(config.plugins, []);
});

test('the README JSON config loaded through --config builds a container whose source, transforms and sink are configured from it', async (t) => {
  const dir = await project(t, {'configs/production.json': README_JSON});
  const config = await loadConfig({cwd: dir, configPath: 'configs/production.json'});
  t.is(config.file, join('configs', 'production.json'));
  t.is(config.dir, join(dir, 'configs'));
  const container = await build(t, config);
  const source = await container.getAsync<Source>(TOKENS.Source);
  t.is(source.name, 'mercado-bitcoin');
  const transforms = await container.getAsync<Transform[]>(TOKENS.Transforms);
  t.deepEqual(
    transforms.map((x) => x.name),
    ['sma'],
  );
  t.deepEqual(
    transforms[0]!.fields,
    [20, 50, 200].map((w) => `mms_${w}`),
  );
  t.is(transforms[0]!.lookback, 200);
  const sink = await container.getAsync<Sink>(TOKENS.Sink);
  t.is(sink.name, 'json-file');
  // The sink path is relative to the config file, not to the working directory.
  t.is((sink as JsonFileSink).path, join(dir, 'configs', 'data', 'mms.json'));
});

test('an absolute --config path loads the same config as the relative one', async (t) => {
  const dir = await project(t);
  const file = await write(dir, 'elsewhere/mms.json', README_JSON);
  const config = await loadConfig({cwd: dir, configPath: file});
  t.is(config.dir, join(dir, 'elsewhere'));
  t.deepEqual(config.transforms, [{use: 'sma', windows: [20, 50, 200]}]);
});

/** One config in every supported form, each with values no default has, so a loaded default cannot pass. */
const FORMS: ReadonlyArray<{file: string; content: (marker: string) => string}> = [
  {
    file: 'mms.config.json',
    content: (m) => JSON.stringify({pairs: ['BRLXRP'], transforms: [{use: 'sma', windows: [7, 30]}], sink: {use: 'json-file', path: `out/${m}.json`}}),
  },
  {
    file: '.mmsrc.json',
    content: (m) => JSON.stringify({pairs: ['BRLXRP'], transforms: [{use: 'sma', windows: [7, 30]}], sink: {use: 'json-file', path: `out/${m}.json`}}),
  },
  {
    file: '.mmsrc.yaml',
    content: (m) => `# a YAML config\npairs:\n  - BRLXRP\ntransforms:\n  - use: sma\n    windows: [7, 30]\nsink:\n  use: json-file\n  path: out/${m}.json\n`,
  },
  {
    file: 'mms.config.mjs',
    content: (m) =>
      `const windows = [7, 30];\nexport default {pairs: ['BRLXRP'], transforms: [{use: 'sma', windows}], sink: {use: 'json-file', path: 'out/${m}.json'}};\n`,
  },
  {
    file: 'mms.config.ts',
    content: (m) =>
      `type Ref = {use: string; [key: string]: unknown};\nconst sink: Ref = {use: 'json-file', path: 'out/${m}.json'};\nexport default {pairs: ['BRLXRP'], transforms: [{use: 'sma', windows: [7, 30] as number[]}], sink} satisfies object;\n`,
  },
];

for (const form of FORMS) {
  test(`a ${form.file} config is found by search, loaded and built into a container`, async (t) => {
    const marker = form.file.replace(/\W/g, '_');
    const dir = await project(t, {[form.file]: form.content(marker)});
    const config = await loadConfig({cwd: dir});
    t.is(config.file, form.file);
    t.deepEqual(config.pairs, ['BRLXRP']);
    t.deepEqual(config.transforms, [{use: 'sma', windows: [7, 30]}]);
    const container = await build(t, config);
    const [sma] = await container.getAsync<Transform[]>(TOKENS.Transforms);
    t.deepEqual(sma!.fields, ['mms_7', 'mms_30']);
    const sink = (await container.getAsync<Sink>(TOKENS.Sink)) as JsonFileSink;
    t.is(sink.path, join(dir, 'out', `${marker}.json`));
  });

  test(`a ${form.file} config is also loaded when named with --config`, async (t) => {
    const marker = `explicit_${form.file.replace(/\W/g, '_')}`;
    const dir = await project(t, {[join('conf', form.file)]: form.content(marker)});
    // Not in a search place of the working directory: only --config can find it.
    const config = await loadConfig({cwd: dir, configPath: join('conf', form.file)});
    t.is(config.file, join('conf', form.file));
    t.is(config.dir, join(dir, 'conf'));
    t.deepEqual(config.pairs, ['BRLXRP']);
    const sink = (await (await build(t, config)).getAsync<Sink>(TOKENS.Sink)) as JsonFileSink;
    t.is(sink.path, join(dir, 'conf', 'out', `${marker}.json`));
  });
}

test('when several config files exist, the one earliest in the search order wins', async (t) => {
  const forms = ['mms.config.mjs', 'mms.config.json', '.mmsrc.yaml'];
  const files: Record<string, string> = {};
  forms.forEach((file, i) => {
    const pairs = [`BRLXX${i}`];
    files[file] = file.endsWith('.mjs')
      ? `export default ${JSON.stringify({pairs})};`
      : file.endsWith('.yaml')
        ? `pairs: [${pairs[0]}]\n`
        : JSON.stringify({pairs});
  });
  const dir = await project(t, files);
  const first = [...forms].sort((a, b) => CONFIG_SEARCH_PLACES.indexOf(a) - CONFIG_SEARCH_PLACES.indexOf(b))[0]!;
  const config = await loadConfig({cwd: dir});
  t.is(config.file, first);
  t.deepEqual(config.pairs, [`BRLXX${forms.indexOf(first)}`]);
});

test('the search walks up from a subdirectory to the project root and resolves paths against the config file', async (t) => {
  const dir = await project(t, {'mms.config.json': JSON.stringify({pairs: ['BRLXRP']})});
  const cwd = join(dir, 'a', 'b');
  await mkdir(cwd, {recursive: true});
  const config = await loadConfig({cwd});
  t.is(config.file, join('..', '..', 'mms.config.json'));
  t.is(config.dir, dir);
  t.deepEqual(config.pairs, ['BRLXRP']);
});

test('the search stops at the project root: a config above the directory holding package.json is not used', async (t) => {
  const outer = await tempDir(t);
  await write(outer, 'mms.config.json', JSON.stringify({pairs: ['BRLXRP']}));
  const inner = join(outer, 'project');
  await write(inner, 'package.json', JSON.stringify({name: 'inner', private: true, type: 'module'}));
  const config = await loadConfig({cwd: inner});
  t.deepEqual(config.pairs, ['BRLBTC', 'BRLETH']);
  t.regex(config.file, /^defaults/);
});

test('without any config file the defaults apply: BRLBTC and BRLETH, Mercado Bitcoin, SMA 20/50/200 into the SQLite file data/mms.db', async (t) => {
  const dir = await project(t);
  const config = await loadConfig({cwd: dir});
  t.regex(config.file, /^defaults/);
  t.is(config.dir, dir);
  t.deepEqual(config.pairs, ['BRLBTC', 'BRLETH']);
  t.is(config.resolution, '1d');
  t.is(config.initialBars, 365);
  t.deepEqual(config.source, {use: 'mercado-bitcoin'});
  t.deepEqual(config.transforms, [{use: 'sma'}]);
  t.deepEqual(config.sink, {use: 'sqlite'});
  const container = await build(t, config);
  t.is((await container.getAsync<Source>(TOKENS.Source)).name, 'mercado-bitcoin');
  const transforms = await container.getAsync<SmaTransform[]>(TOKENS.Transforms);
  t.deepEqual(
    transforms.map((x) => x.fields),
    [['mms_20', 'mms_50', 'mms_200']],
  );
  const sink = (await container.getAsync<Sink>(TOKENS.Sink)) as SqliteSink;
  t.is(sink.name, 'sqlite');
  t.is(sink.path, join(dir, 'data', 'mms.db'));
});

test('a window that is not a number is reported with file, key path and the value as written', async (t) => {
  const dir = await project(t, {'mms.config.json': JSON.stringify({transforms: [{use: 'sma', windows: [20, '50x', 200]}]})});
  const error = await configError(t, loadAndBuild(t, dir));
  t.true(error.message.includes('mms.config.json: transforms[0].windows[1]: expected a positive integer, got "50x"'), error.message);
  t.is(error.message.split('\n').length, 1);
});

test('windows that are zero, negative or fractional are each rejected at their own index', async (t) => {
  const windows = [0, 20, -5, 2.5];
  const dir = await project(t, {'mms.config.json': JSON.stringify({transforms: [{use: 'sma', windows}]})});
  const error = await configError(t, loadAndBuild(t, dir));
  const expected = windows.flatMap((w, i) =>
    Number.isInteger(w) && w > 0 ? [] : [`mms.config.json: transforms[0].windows[${i}]: expected a positive integer, got ${w}`],
  );
  t.deepEqual(error.message.split('\n').sort(), expected.sort());
});

test('an unknown top-level key is named in the error', async (t) => {
  const dir = await project(t, {'mms.config.json': JSON.stringify({pair: ['BRLBTC']})});
  const error = await configError(t, loadConfig({cwd: dir}));
  t.regex(error.message, /^mms\.config\.json: pair: unknown key/);
});

test('an unknown key inside a plugin entry (sink.pth) is named with its full key path', async (t) => {
  const dir = await project(t, {'mms.config.json': JSON.stringify({sink: {use: 'json-file', pth: 'data/x.json'}})});
  const error = await configError(t, loadAndBuild(t, dir));
  t.regex(error.message, /^mms\.config\.json: sink\.pth: unknown key/);
});

test('an unknown transform plugin is named with its key path and the available transforms are listed', async (t) => {
  const dir = await project(t, {'mms.config.json': JSON.stringify({transforms: [{use: 'ema'}]})});
  const error = await configError(t, loadAndBuild(t, dir));
  t.true(error.message.startsWith('mms.config.json: transforms[0].use: unknown transform plugin "ema"'), error.message);
  t.regex(error.message, /available: sma\b/);
  // Only transforms are offered for a transform slot.
  t.false(error.message.includes('json-file'));
  t.false(error.message.includes('mercado-bitcoin'));
});

test('an unknown source plugin lists the available sources', async (t) => {
  const dir = await project(t, {'mms.config.json': JSON.stringify({source: {use: 'binance'}})});
  const error = await configError(t, loadAndBuild(t, dir));
  t.true(error.message.startsWith('mms.config.json: source.use: unknown source plugin "binance"; available: mercado-bitcoin'), error.message);
});

test('a value outside an enum (source.api "v5") is reported with the allowed values and the value given', async (t) => {
  const dir = await project(t, {'mms.config.json': JSON.stringify({source: {use: 'mercado-bitcoin', api: 'v5'}})});
  const error = await configError(t, loadAndBuild(t, dir));
  t.is(error.message, 'mms.config.json: source.api: expected "v4" or "legacy", got "v5"');
});

test('a pair listed twice is reported at the index of the repetition', async (t) => {
  const dir = await project(t, {'mms.config.json': JSON.stringify({pairs: ['BRLBTC', 'BRLETH', 'BRLBTC']})});
  const error = await configError(t, loadConfig({cwd: dir}));
  t.is(error.message, 'mms.config.json: pairs[2]: pair BRLBTC is listed twice, got "BRLBTC"');
});

test('a window listed twice is reported at the index of the repetition', async (t) => {
  const dir = await project(t, {'mms.config.json': JSON.stringify({transforms: [{use: 'sma', windows: [20, 50, 20]}]})});
  const error = await configError(t, loadAndBuild(t, dir));
  t.is(error.message, 'mms.config.json: transforms[0].windows[2]: window 20 is listed twice, got 20');
});

test('an empty pairs list is rejected rather than replaced by the defaults', async (t) => {
  const dir = await project(t, {'mms.config.json': JSON.stringify({pairs: []})});
  const error = await configError(t, loadConfig({cwd: dir}));
  t.is(error.message, 'mms.config.json: pairs: expected at least one pair, got []');
});

test('a JSON file named with --config that does not parse is a ConfigError naming the file and the reason, not a raw SyntaxError', async (t) => {
  const dir = await project(t, {'mms.config.json': '{"pairs": ["BRLBTC"],, }'});
  const error = await configError(t, loadConfig({cwd: dir, configPath: 'mms.config.json'}));
  t.true(error.message.startsWith('mms.config.json: cannot be loaded: '), error.message);
  t.regex(error.message, /in JSON at position \d+/);
  t.false(error.message.includes('\n'), 'one line, no stack');
  t.true(error.cause instanceof SyntaxError);
});

test('a JSON file found by search that does not parse is reported under its file name', async (t) => {
  const dir = await project(t, {'mms.config.json': '{"pairs": ["BRLBTC"],, }'});
  const error = await configError(t, loadConfig({cwd: dir}));
  t.true(error.message.startsWith('mms.config.json: cannot be loaded: '), error.message);
});

test("a YAML file that does not parse is reported with the parser's reason and position", async (t) => {
  const dir = await project(t, {'.mmsrc.yaml': 'pairs: [BRLBTC\nsink: {'});
  const error = await configError(t, loadConfig({cwd: dir, configPath: '.mmsrc.yaml'}));
  t.true(error.message.startsWith('.mmsrc.yaml: cannot be loaded: '), error.message);
  t.regex(error.message, /\(\d+:\d+\)/, 'the line and column of the problem');
});

test('a --config file that does not exist is a ConfigError naming the path as given', async (t) => {
  const dir = await project(t, {'mms.config.json': README_JSON});
  const error = await configError(t, loadConfig({cwd: dir, configPath: 'conf/missing.json'}));
  t.true(error.message.startsWith(`${join('conf', 'missing.json')}: file not found`), error.message);
});

test('a config whose top level is an array is rejected with a message saying an object is expected', async (t) => {
  const dir = await project(t, {'mms.config.json': JSON.stringify([JSON.parse(README_JSON)])});
  const error = await configError(t, loadConfig({cwd: dir}));
  t.true(error.message.startsWith('mms.config.json: expected an object'), error.message);
  t.true(error.message.endsWith('got an array'), error.message);
});

test('a module config whose default export is not an object is rejected', async (t) => {
  const dir = await project(t, {'mms.config.mjs': 'export default 42;\n'});
  const error = await configError(t, loadConfig({cwd: dir}));
  t.true(error.message.startsWith('mms.config.mjs: expected an object'), error.message);
  t.true(error.message.endsWith('got 42'), error.message);
});

test('a module config without a default export is an error, not silently the defaults', async (t) => {
  // The user's config is ignored and the run would write the default pairs to data/mms.json.
  const dir = await project(t, {'mms.config.mjs': "export const config = {pairs: ['BRLXRP']};\n"});
  const error = await configError(t, loadConfig({cwd: dir}));
  t.true(error.message.startsWith('mms.config.mjs: '), error.message);
});

test('several top-level problems are reported together, one line each', async (t) => {
  const dir = await project(t, {'mms.config.json': JSON.stringify({pairs: [], resolution: '2d', initialBars: 0, sinks: {}})});
  const error = await configError(t, loadConfig({cwd: dir}));
  t.deepEqual(
    error.message.split('\n').sort(),
    [
      'mms.config.json: pairs: expected at least one pair, got []',
      `mms.config.json: resolution: expected one of ${RESOLUTIONS.join(', ')}, got "2d"`,
      'mms.config.json: initialBars: expected a positive integer, got 0',
      'mms.config.json: sinks: unknown key (check the spelling, or remove it)',
    ].sort(),
  );
});

test('problems in several plugin entries are reported together in one ConfigError, one line each', async (t) => {
  const dir = await project(t, {
    'mms.config.json': JSON.stringify({
      source: {use: 'mercado-bitcoin', api: 'v5'},
      transforms: [{use: 'sma', windows: [20, '50x']}, {use: 'ema'}],
      sink: {use: 'json-file', pth: 'x.json'},
    }),
  });
  const error = await configError(t, loadAndBuild(t, dir));
  const lines = error.message.split('\n');
  const expected = [
    'mms.config.json: source.api: expected "v4" or "legacy", got "v5"',
    'mms.config.json: transforms[0].windows[1]: expected a positive integer, got "50x"',
    'mms.config.json: transforms[1].use: unknown transform plugin "ema"',
    'mms.config.json: sink.pth: unknown key',
  ];
  t.is(lines.length, expected.length, error.message);
  for (const fragment of expected) t.is(lines.filter((line) => line.startsWith(fragment)).length, 1, `one line starts with ${fragment}`);
});

test('a plugin module listed under plugins is loaded from the config directory and a config using it builds', async (t) => {
  const dir = await project(t, {
    'conf/plugins/my-plugin.mjs': transformModule('my-ema'),
    'conf/mms.config.json': JSON.stringify({
      pairs: ['BRLBTC'],
      plugins: ['./plugins/my-plugin.mjs'],
      transforms: [
        {use: 'sma', windows: [20]},
        {use: 'my-ema', alpha: 0.25},
      ],
    }),
  });
  const container = await loadAndBuild(t, dir, 'conf/mms.config.json');
  const transforms = await container.getAsync<Transform[]>(TOKENS.Transforms);
  t.deepEqual(
    transforms.map((x) => x.name),
    ['sma', 'my-ema'],
  );
  const mine = transforms[1] as Transform & {seen: {config: unknown; configPath: string; configDir: string; pairs: readonly string[]}};
  t.deepEqual(mine.fields, ['my_ema']);
  // The plugin's create() got its own keys (without "use"), where they sit, and the config's directory.
  t.deepEqual(mine.seen.config, {alpha: 0.25});
  t.is(mine.seen.configPath, 'transforms[1]');
  t.is(mine.seen.configDir, join(dir, 'conf'));
  t.deepEqual(mine.seen.pairs, ['BRLBTC']);
});

test('a loaded plugin is listed among the available ones when a name is unknown', async (t) => {
  const dir = await project(t, {
    'my-plugin.mjs': transformModule('my-ema'),
    'mms.config.json': JSON.stringify({plugins: ['./my-plugin.mjs'], transforms: [{use: 'my-emma'}]}),
  });
  const error = await configError(t, loadAndBuild(t, dir));
  t.true(error.message.startsWith('mms.config.json: transforms[0].use: unknown transform plugin "my-emma"'), error.message);
  t.regex(error.message, /available: [^.]*\bmy-ema\b/);
  t.regex(error.message, /available: [^.]*\bsma\b/);
});

test("a plugin's own Standard Schema issues are reported with file, key path and value", async (t) => {
  const validate = `(value) => value.alpha < 1 ? {value} : {issues: [{message: 'expected a number below 1', path: [{key: 'alpha'}]}]}`;
  const dir = await project(t, {
    'my-plugin.mjs': transformModule('my-ema', validate),
    'mms.config.json': JSON.stringify({plugins: ['./my-plugin.mjs'], transforms: [{use: 'sma'}, {use: 'my-ema', alpha: 2}]}),
  });
  const error = await configError(t, loadAndBuild(t, dir));
  // The plugin's own rule, so the message names the plugin and the module it came from.
  t.is(error.message, 'mms.config.json: transforms[1].alpha: expected a number below 1, got 2 (transform plugin "my-ema" from plugins[0] "./my-plugin.mjs")');
});

test('an unknown key in the entry of a loaded plugin names the plugin and its npm package', async (t) => {
  const dir = await project(t, {
    'node_modules/mms-plugin-strict/package.json': JSON.stringify({name: 'mms-plugin-strict', type: 'module', exports: './index.js'}),
    'node_modules/mms-plugin-strict/index.js': transformModule(
      'strict-ema',
      `(value) => ({issues: Object.keys(value).map((key) => ({message: 'unknown key', path: [key]}))})`,
    ),
    'mms.config.json': JSON.stringify({plugins: ['mms-plugin-strict'], transforms: [{use: 'strict-ema', alhpa: 1}]}),
  });
  const error = await configError(t, loadAndBuild(t, dir));
  t.is(error.message, 'mms.config.json: transforms[0].alhpa: unknown key, got 1 (transform plugin "strict-ema" from plugins[0] "mms-plugin-strict")');
});

test('a bundled plugin\'s schema issues stay as they were: the "use" name already points at mms\'s own docs', async (t) => {
  const dir = await project(t, {'mms.config.json': JSON.stringify({transforms: [{use: 'sma', windows: [0]}]})});
  const error = await configError(t, loadAndBuild(t, dir));
  t.is(error.message, 'mms.config.json: transforms[0].windows[0]: expected a positive integer, got 0');
});

test('a plugin module without a manifest as its default export is a ConfigError naming the module', async (t) => {
  const dir = await project(t, {
    'not-a-plugin.mjs': 'export const helper = 1;\n',
    'mms.config.json': JSON.stringify({plugins: ['./not-a-plugin.mjs']}),
  });
  const error = await configError(t, loadAndBuild(t, dir));
  t.true(error.message.startsWith('mms.config.json: plugins[0] "./not-a-plugin.mjs": not a plugin manifest'), error.message);
});

test('a plugin module whose default export lacks create() is a ConfigError naming the module and the missing member', async (t) => {
  const dir = await project(t, {
    'half.mjs': transformModule('half').replace(/create: [\s\S]*?\}\),\n/, ''),
    'mms.config.json': JSON.stringify({plugins: ['./half.mjs']}),
  });
  const error = await configError(t, loadAndBuild(t, dir));
  t.true(error.message.startsWith('mms.config.json: plugins[0] "./half.mjs": not a plugin manifest'), error.message);
  t.regex(error.message, /"create" must be a function/);
});

test('a plugin module that does not exist is a ConfigError naming the module', async (t) => {
  const dir = await project(t, {'mms.config.json': JSON.stringify({plugins: ['./missing-plugin.mjs']})});
  const error = await configError(t, loadAndBuild(t, dir));
  t.true(error.message.startsWith('mms.config.json: plugins[0] "./missing-plugin.mjs": cannot be imported'), error.message);
});

test('an npm plugin package that is not installed is a ConfigError naming the package', async (t) => {
  const dir = await project(t, {'mms.config.json': JSON.stringify({plugins: ['mms-plugin-does-not-exist']})});
  const error = await configError(t, loadAndBuild(t, dir));
  t.true(error.message.startsWith('mms.config.json: plugins[0] "mms-plugin-does-not-exist"'), error.message);
  t.regex(error.message, /npm install mms-plugin-does-not-exist/, 'it says what to do');
});

/** A package installed in the temp project's node_modules, as `npm install` would leave it. */
function installed(name: string, packageJson: Record<string, unknown>, files: Record<string, string>): Record<string, string> {
  return Object.fromEntries([
    [`node_modules/${name}/package.json`, JSON.stringify({name, version: '1.0.0', ...packageJson})],
    ...Object.entries(files).map(([file, content]) => [`node_modules/${name}/${file}`, content]),
  ]);
}

async function transformNames(t: ExecutionContext, dir: string, configPath?: string): Promise<string[]> {
  const container = await loadAndBuild(t, dir, configPath);
  return (await container.getAsync<Transform[]>(TOKENS.Transforms)).map((x) => x.name);
}

test("a CommonJS plugin package (main, no exports) in the config's node_modules is loaded by name", async (t) => {
  const dir = await project(t, {
    ...installed('mms-plugin-cjs', {main: 'lib/index.js'}, {'lib/index.js': transformModule('cjs-ema').replace('export default', 'module.exports =')}),
    'conf/mms.config.json': JSON.stringify({plugins: ['mms-plugin-cjs'], transforms: [{use: 'cjs-ema'}]}),
  });
  // The config sits below the project root: the package is found by walking up from the config's directory.
  t.deepEqual(await transformNames(t, dir, 'conf/mms.config.json'), ['cjs-ema']);
});

test('an ESM-only plugin package (exports with only an "import" condition) in the config\'s node_modules is loaded by name', async (t) => {
  const dir = await project(t, {
    ...installed('mms-plugin-esm', {type: 'module', exports: {'.': {import: './dist/index.js'}}}, {'dist/index.js': transformModule('esm-ema')}),
    'mms.config.json': JSON.stringify({plugins: ['mms-plugin-esm'], transforms: [{use: 'esm-ema'}]}),
  });
  t.deepEqual(await transformNames(t, dir), ['esm-ema']);
});

test('a scoped package\'s subpath export is resolved with the import condition, preferred over "require"', async (t) => {
  const dir = await project(t, {
    ...installed(
      '@acme/mms-plugins',
      {type: 'module', exports: {'./ema': {require: './ema.cjs', import: './ema.js'}, './features/*': {import: './features/*.js'}}},
      {
        'ema.js': transformModule('acme-ema'),
        'ema.cjs': 'throw new Error("the require entry was loaded");',
        'features/signal.js': transformModule('acme-signal'),
      },
    ),
    'mms.config.json': JSON.stringify({
      plugins: ['@acme/mms-plugins/ema', '@acme/mms-plugins/features/signal'],
      transforms: [{use: 'acme-ema'}, {use: 'acme-signal'}],
    }),
  });
  t.deepEqual(await transformNames(t, dir), ['acme-ema', 'acme-signal']);
});

test('a package that exports nothing for import is a ConfigError naming the package and the subpath', async (t) => {
  const dir = await project(t, {
    ...installed('mms-plugin-require-only', {exports: {'.': {require: './index.cjs'}}}, {'index.cjs': 'module.exports = {};'}),
    'mms.config.json': JSON.stringify({plugins: ['mms-plugin-require-only']}),
  });
  const error = await configError(t, loadAndBuild(t, dir));
  t.true(error.message.startsWith('mms.config.json: plugins[0] "mms-plugin-require-only": '), error.message);
  t.regex(error.message, /the package exports nothing for import at this path \(No "exports" main defined in \S*mms-plugin-require-only\/package\.json/);
});

test('a plugin module reusing the name of a bundled plugin of the same kind is a ConfigError', async (t) => {
  const dir = await project(t, {
    'dup.mjs': transformModule('sma'),
    'mms.config.json': JSON.stringify({plugins: ['./dup.mjs']}),
  });
  const error = await configError(t, loadAndBuild(t, dir));
  t.regex(error.message, /^mms\.config\.json: plugins\[0\] "\.\/dup\.mjs": a transform plugin named "sma" already comes from the bundled plugins/);
});

test('two plugin modules exporting the same name are a ConfigError', async (t) => {
  const dir = await project(t, {
    'one.mjs': transformModule('my-ema'),
    'two.mjs': transformModule('my-ema'),
    'mms.config.json': JSON.stringify({plugins: ['./one.mjs', './two.mjs']}),
  });
  const error = await configError(t, loadAndBuild(t, dir));
  t.regex(error.message, /plugins\[1\] "\.\/two\.mjs": a transform plugin named "my-ema" already comes from plugins\[0\] "\.\/one\.mjs"/);
});

const UNPARSABLE_URLS = ['not a url', 'http://', 'http://[::1', 'https://exa mple.com'];

for (const url of UNPARSABLE_URLS) {
  test(`a source.baseUrl that does not parse (${JSON.stringify(url)}) is a ConfigError naming the key and the value, not a crash`, async (t) => {
    const dir = await project(t, {'mms.config.json': JSON.stringify({source: {use: 'mercado-bitcoin', baseUrl: url}})});
    const error = await configError(t, loadAndBuild(t, dir));
    t.is(error.message, `mms.config.json: source.baseUrl: expected an http(s) URL, got ${JSON.stringify(url)}`);
  });

  test(`a webhook alarm url that does not parse (${JSON.stringify(url)}) is a ConfigError naming the key and the value, not a crash`, async (t) => {
    const dir = await project(t, {'mms.config.json': JSON.stringify({alarms: [{use: 'log'}, {use: 'webhook', url}]})});
    const error = await configError(t, loadAndBuild(t, dir));
    t.is(error.message, `mms.config.json: alarms[1].url: expected an http(s) URL, got ${JSON.stringify(url)}`);
  });
}

test('a URL that does not parse is echoed with its credentials masked, even where the password holds a slash or a space, and without its path', async (t) => {
  const dir = await project(t, {
    'mms.config.json': JSON.stringify({
      source: {use: 'mercado-bitcoin', baseUrl: 'https://user:s3cret@exa mple.com/api/v4'},
      alarms: [
        {use: 'webhook', url: 'https://hook:pa/ss wd@[::1'},
        // A webhook's path is its secret.
        {use: 'webhook', url: 'https://hooks.exa mple.com/services/T0/B0/XOXO-SECRET'},
      ],
    }),
  });
  const error = await configError(t, loadAndBuild(t, dir));
  t.deepEqual(error.message.split('\n'), [
    'mms.config.json: source.baseUrl: expected an http(s) URL, got "https://***@exa mple.com/…"',
    'mms.config.json: alarms[0].url: expected an http(s) URL, got "https://***@[::1"',
    'mms.config.json: alarms[1].url: expected an http(s) URL, got "https://hooks.exa mple.com/…"',
  ]);
});

for (const [what, sink] of [
  ['written alike', {use: 'json-file', path: 'data/mms.json', state: 'data/mms.json'}],
  ['written differently', {use: 'json-file', path: 'data/mms.json', state: './data/../data/mms.json'}],
] as const) {
  test(`sink.state naming the same file as sink.path (${what}) is a ConfigError naming both keys, before anything is written`, async (t) => {
    const dir = await project(t, {'conf/mms.config.json': JSON.stringify({sink})});
    const container = await loadAndBuild(t, dir, 'conf/mms.config.json');
    const error = await configError(t, container.getAsync<Sink>(TOKENS.Sink));
    t.is(
      error.message,
      `${join('conf', 'mms.config.json')}: sink.state ${JSON.stringify(sink.state)} and sink.path "data/mms.json" are the same file, ${join(dir, 'conf', 'data', 'mms.json')}; ` +
        'the run state needs a file of its own. Leave "state" out to keep it beside the data, or name another file.',
    );
    await t.throwsAsync(access(join(dir, 'conf', 'data')), {code: 'ENOENT'});
  });
}

test('sink.state as an absolute path to the file sink.path names relative to the config file is refused too', async (t) => {
  const dir = await project(t);
  await write(dir, 'conf/mms.config.json', JSON.stringify({sink: {use: 'json-file', path: 'mms.json', state: join(dir, 'conf', 'mms.json')}}));
  const container = await loadAndBuild(t, dir, 'conf/mms.config.json');
  const error = await configError(t, container.getAsync<Sink>(TOKENS.Sink));
  t.regex(error.message, /: sink\.state ".*" and sink\.path "mms\.json" are the same file/);
});

test('sink.state beside sink.path, or left out, is accepted', async (t) => {
  const dir = await project(t, {'mms.config.json': JSON.stringify({sink: {use: 'json-file', path: 'data/mms.json', state: 'data/run-state.json'}})});
  const sink = (await (await loadAndBuild(t, dir)).getAsync<Sink>(TOKENS.Sink)) as JsonFileSink;
  t.is(sink.statePath, join(dir, 'data', 'run-state.json'));
});

const EMPTY_CONTENTS = ['', '  \n\t\n'];
const EMPTY_FORMS = ['mms.config.json', '.mmsrc.json', '.mmsrc.yaml', '.mmsrc'];

for (const name of EMPTY_FORMS) {
  for (const content of EMPTY_CONTENTS) {
    test(`an empty ${name} (${JSON.stringify(content)}) named with --config is a ConfigError naming it, not the defaults`, async (t) => {
      const dir = await project(t, {[join('conf', name)]: content});
      const error = await configError(t, loadConfig({cwd: dir, configPath: join('conf', name)}));
      t.is(
        error.message,
        `${join('conf', name)}: the file is empty (0 bytes, or only whitespace), so it holds no config. Write the config in it, or leave out --config to use the config found by search (or the defaults).`,
      );
    });

    test(`an empty ${name} (${JSON.stringify(content)}) found by search is a ConfigError naming it, not the defaults`, async (t) => {
      const dir = await project(t, {[name]: content});
      const error = await configError(t, loadConfig({cwd: dir}));
      t.is(
        error.message,
        `${name}: the file is empty (0 bytes, or only whitespace), so it holds no config. Write the config in it, or delete it to run with the defaults.`,
      );
    });
  }
}

for (const [name, content, why] of [
  ['mms.config.json', 'null', 'its content is null'],
  ['.mmsrc.yaml', '---\n', 'its content is null'],
  ['mms.config.mjs', 'export default null;\n', 'its default export is null'],
] as const) {
  test(`a ${name} holding only null (${JSON.stringify(content)}) is refused like an empty one, named or found`, async (t) => {
    const dir = await project(t, {[name]: content});
    const named = await configError(t, loadConfig({cwd: dir, configPath: name}));
    t.true(named.message.startsWith(`${name}: ${why}, so it holds no config.`), named.message);
    const found = await configError(t, loadConfig({cwd: dir}));
    t.true(found.message.startsWith(`${name}: ${why}, so it holds no config.`), found.message);
  });
}

test('a package.json named with --config that has no "mms" key is a ConfigError; found by search, it is not a config and the defaults apply', async (t) => {
  const dir = await project(t);
  const error = await configError(t, loadConfig({cwd: dir, configPath: 'package.json'}));
  t.is(error.message, 'package.json: has no "mms" key to read the config from.');
  t.regex((await loadConfig({cwd: dir})).file, /^defaults/);
});

test('a config of {} is not empty: it asks for the defaults explicitly', async (t) => {
  const dir = await project(t, {'mms.config.json': '{}\n'});
  const config = await loadConfig({cwd: dir, configPath: 'mms.config.json'});
  t.is(config.file, 'mms.config.json');
  t.deepEqual(config.pairs, ['BRLBTC', 'BRLETH']);
});
