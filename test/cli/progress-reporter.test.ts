import test from 'ava';
import {progressReporter} from '../../src/cli/progress-reporter.js';

const DAY = 86_400;
const FROM = Date.UTC(2021, 3, 27) / 1000;

/** A stand-in for stderr that records what was written. */
function terminal(isTTY: boolean) {
  const written: string[] = [];
  return {written, stream: {isTTY, write: (chunk: string) => written.push(chunk) > 0}};
}

test('on an interactive terminal the reporter redraws one line per page and clears it when the pair is done', (t) => {
  const {written, stream} = terminal(true);
  const report = progressReporter(false, {stream, env: {}});
  if (!report) return t.fail('no reporter on a TTY');
  report({pair: 'BRLBTC', fetchFrom: FROM, to: FROM + 100 * DAY, fetchedUpTo: FROM + 25 * DAY});
  report({pair: 'BRLBTC', fetchFrom: FROM, to: FROM + 100 * DAY, fetchedUpTo: FROM + 100 * DAY});
  t.deepEqual(written, [
    '\r\u001B[KBRLBTC: fetched up to 2021-05-22 (25%)',
    '\r\u001B[KBRLBTC: fetched up to 2021-08-05 (100%)',
    // The last page erases the line, so the summary that follows starts clean.
    '\r\u001B[K',
  ]);
});

test('progress stays quiet when stderr is not a terminal, when CI=true, and with --json', (t) => {
  const pipe = terminal(false);
  t.is(progressReporter(false, {stream: pipe.stream, env: {}}), undefined, 'a pipe or a file');
  const tty = terminal(true);
  t.is(progressReporter(false, {stream: tty.stream, env: {CI: 'true'}}), undefined, 'CI=true on a terminal');
  t.is(progressReporter(true, {stream: tty.stream, env: {}}), undefined, '--json on a terminal');
  t.deepEqual([...pipe.written, ...tty.written], []);
  // Only CI=true silences it: a CI variable with another value is not taken as CI.
  t.not(progressReporter(false, {stream: tty.stream, env: {CI: 'false'}}), undefined);
});

test('a stream without isTTY (a plain Writable) counts as not a terminal', (t) => {
  t.is(progressReporter(false, {stream: {write: () => true}, env: {}}), undefined);
});
