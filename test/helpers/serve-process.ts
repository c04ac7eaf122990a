import {spawn} from 'node:child_process';
import {mkdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import type {ExecutionContext} from 'ava';
import type {MmsRecord} from '../../src/core/contracts/record.js';
import {JsonFileSink} from '../../plugins/json-file/json-file-sink.js';
import {ROOT} from './run-cli.js';
import {tempDir} from './temp-dir.js';

export interface ServedStore {
  readonly dir: string;
  /** The JSON sink's data file (absent until something is seeded). */
  readonly dataPath: string;
  /** Writes records into the store the way `mms ingest` does (the server sees them at its next refresh). */
  seed(records: readonly MmsRecord[]): Promise<void>;
  /**
   * Starts the built `mms serve` on a free loopback port (with `--json` unless `json: false`; `args` are
   * added), stopped (SIGTERM) when the test ends.
   */
  serve(options?: {now?: string; refreshSeconds?: number; args?: readonly string[]; json?: boolean; env?: Record<string, string>}): Promise<ServeProcess>;
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

/** A project directory with a JSON-sink config, whose store the real `mms serve` process answers from. */
export async function servedStore(t: ExecutionContext): Promise<ServedStore> {
  const dir = await tempDir(t);
  const dataPath = join(dir, 'data', 'mms.json');
  const configPath = join(dir, 'mms.config.json');
  await writeFile(
    configPath,
    JSON.stringify({pairs: ['BRLBTC', 'BRLETH'], transforms: [{use: 'sma', windows: [20, 50, 200]}], sink: {use: 'json-file', path: 'data/mms.json'}}),
  );
  await mkdir(join(dir, 'data'));
  return {
    dir,
    dataPath,
    seed: (records) => new JsonFileSink(dataPath).upsert(records),
    async serve({now = '2022-04-27T12:00:00Z', refreshSeconds = 10, args = [], json = true, env = {}} = {}) {
      const flags = ['--port', '0', '--refresh', String(refreshSeconds), '--config', configPath, ...(json ? ['--json'] : []), ...args];
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'run.js'), 'serve', ...flags], {
        cwd: dir,
        env: {PATH: process.env.PATH, TZ: process.env.TZ, MMS_NOW: now, MMS_LOG_LEVEL: 'info', ...env},
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
      const stop = () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        return exit;
      };
      t.teardown(stop);
      let stdout = '';
      const ready = await new Promise<{url: string; page: string}>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (json && stdout.includes('\n')) resolve(JSON.parse(stdout.split('\n')[0]!) as {url: string; page: string});
          const page = /^chart page: (\S+)$/m.exec(stdout)?.[1];
          if (!json && page) resolve({url: page.replace(/\/$/, ''), page});
        });
        void exit.then((code) => reject(new Error(`mms serve exited with ${code} before listening: ${stderr}`)));
      });
      return {...ready, stop, stdout: () => stdout, stderr: () => stderr};
    },
  };
}
