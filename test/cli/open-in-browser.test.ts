import {EventEmitter} from 'node:events';
import type {ChildProcess, SpawnOptions} from 'node:child_process';
import test from 'ava';
import {openInBrowser} from '../../src/cli/open-in-browser.js';

const URL_ = 'http://127.0.0.1:8080/';

function fakes(options: {throws?: Error} = {}) {
  const lines: string[] = [];
  const calls: Array<{command: string; args: readonly string[]; options: SpawnOptions; unref: boolean}> = [];
  const child = Object.assign(new EventEmitter(), {unref: () => (calls.at(-1)!.unref = true)}) as unknown as ChildProcess;
  return {
    lines,
    calls,
    child,
    logger: {
      debug: (m: string) => lines.push(m),
      info: (m: string) => lines.push(m),
      warn: (m: string) => lines.push(`warn: ${m}`),
      error: (m: string) => lines.push(`error: ${m}`),
    },
    spawn: (command: string, args: readonly string[], spawnOptions: SpawnOptions) => {
      if (options.throws) throw options.throws;
      calls.push({command, args, options: spawnOptions, unref: false});
      return child;
    },
  };
}

test("in a terminal, each platform's opener is started detached and not waited for", (t) => {
  for (const [platform, command, args] of [
    ['linux', 'xdg-open', [URL_]],
    ['darwin', 'open', [URL_]],
    ['win32', 'cmd', ['/c', 'start', '""', URL_]],
  ] as const) {
    const f = fakes();
    t.true(openInBrowser(URL_, {platform, interactive: true, logger: f.logger, spawn: f.spawn}));
    t.like(f.calls[0], {command, args: [...args], options: {detached: true, stdio: 'ignore'}, unref: true}, platform);
  }
});

test('not in a terminal (cron, a pipe, CI), nothing is started and the log says where the page is', (t) => {
  const f = fakes();
  t.false(openInBrowser(URL_, {platform: 'linux', interactive: false, logger: f.logger, spawn: f.spawn}));
  t.is(f.calls.length, 0);
  t.deepEqual(f.lines, [`--open: not opening a browser (stdout is not a terminal); the page is at ${URL_}`]);
});

test('an opener that cannot start is logged, never thrown', (t) => {
  const missing = fakes();
  t.true(openInBrowser(URL_, {platform: 'linux', interactive: true, logger: missing.logger, spawn: missing.spawn}));
  missing.child.emit('error', Object.assign(new Error('spawn xdg-open ENOENT'), {code: 'ENOENT'}));
  t.deepEqual(missing.lines, [`warn: --open: cannot start xdg-open (spawn xdg-open ENOENT); open ${URL_} yourself.`]);
  const throwing = fakes({throws: new Error('EPERM')});
  t.false(openInBrowser(URL_, {platform: 'linux', interactive: true, logger: throwing.logger, spawn: throwing.spawn}));
  t.deepEqual(throwing.lines, [`warn: --open: cannot start xdg-open (EPERM); open ${URL_} yourself.`]);
});
