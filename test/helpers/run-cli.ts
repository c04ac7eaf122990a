import {fileURLToPath} from 'node:url';
import {runProcess} from './run-process.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `mms` CLI as a real process (what cron runs), with a clean environment. */
export function runCli(args: readonly string[], options: {cwd: string; env?: Record<string, string | undefined>}): Promise<CliResult> {
  return runProcess(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    // TZ is passed on: the suite runs in a non-UTC zone so local-time mistakes show.
    env: {PATH: process.env.PATH, HOME: process.env.HOME, TZ: process.env.TZ, CI: 'true', ...options.env},
  });
}
