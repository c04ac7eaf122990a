import 'reflect-metadata';
import {isMainThread} from 'node:worker_threads';
import {Config, run, settings} from '@oclif/core';
import {Exit, handle} from '@oclif/core/handle';
import {BIN, type CliResult, cliEnvironment, ROOT} from './run-cli.js';

export interface CommandResult extends CliResult {
  /** What the command's run() returned (undefined when it failed, or for --version and help). */
  readonly result: unknown;
}

// The built commands, as bin/run.js runs them: NODE_ENV=test (set by ava) would otherwise make oclif load
// src/commands through tsx, a second copy of mms next to the one its bundled plugins import.
settings.enableAutoTranspile = false;
let config: Promise<Config> | undefined;

/** Runs in process are queued: each takes over the process's working directory, environment and streams. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `mms <args>` inside this test process, as runCli runs it in a new one: the same environment, working
 * directory, argv and oclif entry point, with what it writes to stdout and stderr and its exit code collected
 * (a bad flag is printed and mapped to its code by oclif's own handler, as in the binary). Much faster than
 * a process, but not a fresh one: modules stay loaded from run to run, and .ts files load through this
 * process's tsx. So runCli for what is about the process: signals, kill -9 and the run after it, runs that
 * must overlap, a .ts config or plugin.
 */
export function runCommand(args: readonly string[], options: {cwd: string; env?: Record<string, string | undefined>}): Promise<CommandResult> {
  const next = queue.then(() => runAlone(args, options));
  queue = next.catch(() => undefined);
  return next;
}

async function runAlone(args: readonly string[], options: {cwd: string; env?: Record<string, string | undefined>}): Promise<CommandResult> {
  if (!isMainThread) throw new Error('runCommand changes the working directory, which a worker thread cannot: run AVA with workerThreads: false.');
  config ??= Config.load(ROOT);
  const loaded = await config;
  const saved = {
    cwd: process.cwd(),
    env: {...process.env},
    argv: process.argv,
    exitCode: process.exitCode,
    stdout: process.stdout.write,
    stderr: process.stderr.write,
    exit: Exit.exit,
    signals: {SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM')},
  };
  let stdout = '';
  let stderr = '';
  let exited: number | undefined;
  const capture =
    (append: (text: string) => void) =>
    (chunk: string | Uint8Array, encoding?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void): boolean => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      const done = typeof encoding === 'function' ? encoding : callback;
      if (done) process.nextTick(done);
      return true;
    };
  process.chdir(options.cwd); // first: a directory that does not exist throws before anything else changed
  replaceEnvironment(cliEnvironment(options.env));
  process.argv = [process.execPath, BIN, ...args];
  process.exitCode = undefined;
  process.stdout.write = capture((text) => (stdout += text)) as typeof process.stdout.write;
  process.stderr.write = capture((text) => (stderr += text)) as typeof process.stderr.write;
  // oclif's handler ends the process with the error's code: here it only records it.
  Exit.exit = ((code = 0) => {
    exited = code;
  }) as typeof Exit.exit;
  let result: unknown;
  let code = 0;
  try {
    result = await run([...args], loaded).catch((error: unknown) => handle(error instanceof Error ? error : new Error(String(error))));
  } finally {
    // What the process would exit with: oclif's exit, or the exit code the command set.
    code = exited ?? Number(process.exitCode ?? 0);
    process.stdout.write = saved.stdout;
    process.stderr.write = saved.stderr;
    Exit.exit = saved.exit;
    process.exitCode = saved.exitCode;
    process.argv = saved.argv;
    process.chdir(saved.cwd);
    replaceEnvironment(saved.env);
    // A command removes its signal handlers when it ends; one that did not would outlive the run.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      for (const listener of process.listeners(signal)) if (!saved.signals[signal].includes(listener)) process.off(signal, listener);
    }
  }
  return {code, stdout, stderr, result};
}

function replaceEnvironment(env: Record<string, string | undefined>): void {
  for (const name of Object.keys(process.env)) if (!(name in env)) delete process.env[name];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}
