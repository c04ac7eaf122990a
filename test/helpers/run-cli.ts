import {fileURLToPath} from 'node:url';
import {runProcess} from './run-process.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The clean environment mms runs with in tests (a variable given as undefined is unset). */
export function cliEnvironment(env: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  // TZ is passed on: the suite runs in a non-UTC zone so local-time mistakes show.
  return {PATH: process.env.PATH, HOME: process.env.HOME, TZ: process.env.TZ, CI: 'true', ...env};
}

/** Runs the built `mms` CLI as a real process (what cron runs), with a clean environment. */
export function runCli(args: readonly string[], options: {cwd: string; env?: Record<string, string | undefined>}): Promise<CliResult> {
  return runProcess(process.execPath, [BIN, ...args], {cwd: options.cwd, env: cliEnvironment(options.env)});
}
