import {spawn} from 'node:child_process';
import {mkdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import type {ExecutionContext} from 'ava';
import type {MmsRecord} from '../../src/core/contracts/record.js';
import {JsonFileSink} from '../../plugins/json-file/json-file-sink.js';
import {ROOT} from './run-cli.js';
import {tempDir} from './temp-dir.js';

export interface ServeOptions {
  /** MMS_NOW of the server (default 2022-04-27T12:00:00Z). */
  readonly now?: string;
  readonly refreshSeconds?: number;
  /** Flags added after the helper's own. */
  readonly args?: readonly string[];
  /** `--json` (default true): the first stdout line gives the URLs. */
  readonly json?: boolean;
  /** Added to (or replacing) the server's environment. */
  readonly env?: Record<string, string>;
  /** The installed package whose bin/run.js runs (default: this repository, built). */
  readonly packageRoot?: string;
}

/** How a test starts `mms serve` over this store: argv (node first), its working directory and environment. */
export interface ServeInvocation {
  readonly argv: string[];
  readonly cwd: string;
  readonly env: Record<string, string | undefined>;
}

export interface ServedStore {
  readonly dir: string;
  readonly configPath: string;
  /** The JSON sink's data file (absent until something is seeded). */
  readonly dataPath: string;
  /** Writes records into the store the way `mms ingest` does (the server sees them at its next refresh). */
  seed(records: readonly MmsRecord[]): Promise<void>;
  /** The command line serve() runs, for a test that must start it another way (on a terminal, say). */
  invocation(options?: ServeOptions): ServeInvocation;
  /**
   * Starts the built `mms serve` on a free loopback port (`--port 0 --refresh <s> --config <this store's>`,
   * `--json` unless `json: false`, then `args`); resolves once it listens, stopped (SIGTERM) when the test ends.
   */
  serve(options?: ServeOptions): Promise<ServeProcess>;
  /** Runs `mms serve` as serve() does, for one that must refuse to start: resolves when it exits. */
  run(options?: ServeOptions): Promise<{code: number | null; stdout: string; stderr: string}>;
}

export interface ServeProcess {
  readonly url: string;
  /** The chart page's URL, as the server announces it. */
  readonly page: string;
  /** Stops the server (SIGTERM) and resolves with its exit code. */
  stop(): Promise<number | null>;
  stdout(): string;
  stderr(): string;
}

/**
 * A project directory whose store the real `mms serve` process answers from: by default a new one with a
 * JSON-sink config (BRLBTC and BRLETH, or `pairs`; SMA 20/50/200; `config`'s keys replace the defaults'),
 * or an existing `project` (its config found by path).
 */
export async function servedStore(
  t: ExecutionContext,
  options: {pairs?: readonly string[]; config?: Record<string, unknown>; project?: {dir: string; configPath: string; dataPath: string}} = {},
): Promise<ServedStore> {
  const project = options.project ?? (await newProject(t, options.pairs ?? ['BRLBTC', 'BRLETH'], options.config));
  const {dir, configPath, dataPath} = project;
  const invocation = ({now = '2022-04-27T12:00:00Z', refreshSeconds = 10, args = [], json = true, env = {}, packageRoot = ROOT}: ServeOptions = {}) => ({
    argv: [
      process.execPath,
      join(packageRoot, 'bin', 'run.js'),
      'serve',
      ...['--port', '0', '--refresh', String(refreshSeconds), '--config', configPath, ...(json ? ['--json'] : []), ...args],
    ],
    cwd: dir,
    env: {PATH: process.env.PATH, TZ: process.env.TZ, MMS_NOW: now, MMS_LOG_LEVEL: 'info', ...env},
  });
  const start = (options: ServeOptions) => {
    const {argv, cwd, env} = invocation(options);
    const child = spawn(argv[0]!, argv.slice(1), {cwd, env});
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
    const stop = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exit;
    };
    t.teardown(stop);
    return {child, exit, stop, stdout: () => stdout, stderr: () => stderr};
  };
  return {
    dir,
    configPath,
    dataPath,
    seed: (records) => new JsonFileSink(dataPath).upsert(records),
    invocation,
    async serve(options = {}) {
      const json = options.json ?? true;
      const server = start(options);
      const ready = await new Promise<{url: string; page: string}>((resolve, reject) => {
        server.child.stdout.on('data', () => {
          const out = server.stdout();
          if (json && out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as {url: string; page: string});
          const page = /^chart page: (\S+)$/m.exec(out)?.[1];
          if (!json && page) resolve({url: page.replace(/\/$/, ''), page});
        });
        void server.exit.then((code) => reject(new Error(`mms serve exited with ${code} before listening: ${server.stderr()}`)));
      });
      return {...ready, stop: server.stop, stdout: server.stdout, stderr: server.stderr};
    },
    async run(options = {}) {
      const server = start(options);
      const code = await server.exit;
      return {code, stdout: server.stdout(), stderr: server.stderr()};
    },
  };
}

async function newProject(t: ExecutionContext, pairs: readonly string[], config: Record<string, unknown> = {}) {
  const dir = await tempDir(t);
  const configPath = join(dir, 'mms.config.json');
  await writeFile(
    configPath,
    JSON.stringify({pairs, transforms: [{use: 'sma', windows: [20, 50, 200]}], sink: {use: 'json-file', path: 'data/mms.json'}, ...config}),
  );
  await mkdir(join(dir, 'data'));
  return {dir, configPath, dataPath: join(dir, 'data', 'mms.json')};
}
