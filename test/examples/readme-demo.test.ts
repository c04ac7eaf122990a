import {spawn} from 'node:child_process';
import {copyFile, mkdir, mkdtemp, readFile, rm} from 'node:fs/promises';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {RECORDED_AT} from '../../simulator/recorded-dataset.js';
import {parseMmsArgv} from '../helpers/parse-mms-argv.js';
import {type CliResult, ROOT, runCli} from '../helpers/run-cli.js';
import {shellWords} from '../helpers/shell-words.js';
import {sqliteRecords} from '../helpers/sqlite-records.js';

// The demo "the API down for a day, then back" (docs/operations.md) is what a reviewer runs first: its command
// lines are taken from the doc and run as written (the simulator on a free port instead of 8787, passed the
// way `npm start` passes it), after what `npm start` does, and every output and exit code it claims is checked.

const readme = await readFile(join(ROOT, 'docs', 'operations.md'), 'utf8');
const section = /### Demo: the API down for a day, then back\n([\s\S]*?)\n### /.exec(readme)?.[1] ?? '';
const script = /```bash\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
/** The claims after the block: the backticked outputs (whitespace as a terminal would wrap it). */
const claims = [...section.slice(section.indexOf('```', section.indexOf('```bash') + 3) + 3).matchAll(/`([^`]+)`/g)]
  .map((m) => m[1]!.replace(/\s*\n\s*/g, ' '))
  .filter((text) => /^(BRL[A-Z]+ |API\|)/.test(text));

interface DemoStep {
  readonly line: string;
  readonly env: Record<string, string>;
  /** The words after `npm run mms --`. */
  readonly argv: string[];
  /** The exit code its comment promises (`# exit N`), else 0 ("every other command exits 0"). */
  readonly exitCode: number;
}

function demoSteps(): DemoStep[] {
  return script
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const words = shellWords(line, {});
      const env: Record<string, string> = {};
      while (/^[A-Z_]+=/.test(words[0] ?? '')) {
        const [name, ...value] = words.shift()!.split('=');
        env[name!] = value.join('=');
      }
      const prefix = words.splice(0, 4).join(' ');
      if (prefix !== 'npm run mms --') throw new Error(`not an "npm run mms --" line: ${line}`);
      return {line, env, argv: words, exitCode: Number(/# exit (\d+)/.exec(line)?.[1] ?? 0)};
    });
}

/** `mms simulate` as the demo's terminal 1 runs it, on a free port: resolves with its URL once it listens. */
async function startSimulate(t: ExecutionContext, argv: readonly string[]): Promise<{url: string; stop: () => Promise<void>}> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'run.js'), ...argv, '--port', '0', '--json', '--quiet'], {
    env: {PATH: process.env.PATH, TZ: process.env.TZ},
  });
  const exited = new Promise((resolve) => child.on('close', resolve));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  t.teardown(stop);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve((JSON.parse(out.split('\n')[0]!) as {url: string}).url);
    });
    child.on('error', reject);
    child.on('close', (code) => reject(new Error(`mms ${argv.join(' ')} exited ${code}`)));
  });
  return {url, stop};
}

const squeeze = (text: string) => text.replace(/\s+/g, ' ');

test("the operations doc's demo is found: a simulator and mms lines, and outputs it promises", async (t) => {
  const steps = demoSteps();
  t.deepEqual(
    steps.map((s) => s.argv[0]),
    ['simulate', 'ingest', 'simulate', 'ingest', 'retry', 'simulate', 'retry', 'ingest'],
  );
  // Every line is a valid mms command line for the CLI's own flag parser.
  for (const step of steps) await t.notThrowsAsync(parseMmsArgv(step.argv), step.line);
  t.true(claims.length >= 5, `claims found: ${JSON.stringify(claims)}`);
});

test("the operations doc's demo, run in order after npm start, does what the doc says", async (t) => {
  t.timeout(240_000);
  // A clone of the parts the demo uses: inside the package, so the configs' `import from 'mms'` resolves.
  await mkdir(join(ROOT, 'test-artifacts'), {recursive: true});
  const clone = await mkdtemp(join(ROOT, 'test-artifacts', 'readme-demo-'));
  t.teardown(() => rm(clone, {recursive: true, force: true}));
  await mkdir(join(clone, 'examples', 'offline'), {recursive: true});
  for (const file of ['mms.config.ts', 'demo.config.ts']) await copyFile(join(ROOT, 'examples', 'offline', file), join(clone, 'examples', 'offline', file));

  let simulator = await startSimulate(t, ['simulate']);
  // What `npm start` does (scripts/start-offline.ts): the offline job at the recording time, into data/offline/.
  const start = await runCli(['ingest', '--config', 'examples/offline/mms.config.ts'], {
    cwd: clone,
    env: {MMS_NOW: RECORDED_AT, MMS_SIMULATOR_URL: simulator.url},
  });
  t.is(start.code, 0, start.stderr);
  t.regex(start.stdout, /BRLBTC {2}wrote 365 record\(s\) 2021-04-27\.\.2022-04-26/);

  const outputs: Array<{step: DemoStep; result: CliResult}> = [];
  for (const step of demoSteps()) {
    if (step.argv[0] === 'simulate') {
      await simulator.stop();
      simulator = await startSimulate(t, step.argv);
      continue;
    }
    const result = await runCli(step.argv, {cwd: clone, env: {...step.env, MMS_SIMULATOR_URL: simulator.url}});
    t.is(result.code, step.exitCode, `${step.line}\n${result.stdout}${result.stderr}`);
    outputs.push({step, result});
  }
  const all = squeeze(outputs.map(({result}) => `${result.stdout}\n${result.stderr}`).join('\n'));
  for (const claim of claims) t.true(all.includes(squeeze(claim)), `the doc says the demo prints "${claim}"`);

  // The story itself, step by step.
  const [first, down, list, retry, next] = outputs.map(({result}) => result);
  t.regex(first!.stdout, /BRLETH {2}wrote 365 record\(s\) 2021-04-24\.\.2022-04-23/, 'a first load, not "up to date" after npm start');
  t.regex(down!.stdout, /BRLETH {2}FAILED after writing 0 record\(s\); 2022-04-24\.\.2022-04-24 queued for retry/);
  t.is(list!.stdout.match(/pending, 1 attempt\(s\)/g)?.length, 2, 'both pairs queued');
  t.regex(retry!.stdout, /BRLETH {2}2022-04-24\.\.2022-04-24 resolved: wrote 1 record\(s\)/);
  t.regex(next!.stdout, /BRLETH {2}wrote 1 record\(s\) 2022-04-25\.\.2022-04-25/);
  const demoStore = sqliteRecords(join(clone, 'data', 'demo', 'mms.db'));
  t.is(demoStore.length, 2 * 367, 'the demo store holds 2021-04-24..2022-04-25 of both pairs, each day once');
  const offline = sqliteRecords(join(clone, 'data', 'offline', 'mms.db'));
  t.is(offline.length, 730, "npm start's store is untouched by the demo");
});
