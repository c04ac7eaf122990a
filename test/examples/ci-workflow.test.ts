import {chmod, mkdir, readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {parse} from 'yaml';
import {loadConfig} from '../../src/config/load-config.js';
import {BUNDLED_DEFAULTS} from '../../src/container/bundled-plugins.js';
import {checkPairs} from '../../src/core/pipeline/check-pairs.js';
import {mmsLines} from '../helpers/mms-lines.js';
import {parseMmsArgv} from '../helpers/parse-mms-argv.js';
import {ROOT} from '../helpers/run-cli.js';
import {runCommand} from '../helpers/run-command.js';
import {runProcess} from '../helpers/run-process.js';
import {tempDir} from '../helpers/temp-dir.js';

// examples/ci/backfill.yml is copied into users' repositories as is: its structure, every mms command it
// runs and the shell around them (exit codes, waiting on a lock) are checked here.

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string | number>;
}
interface Job {
  readonly needs?: string | string[];
  readonly if?: string;
  readonly env?: Record<string, string | number>;
  readonly strategy?: {readonly 'fail-fast'?: boolean; readonly 'max-parallel'?: number; readonly matrix?: Record<string, unknown>};
  readonly steps: Step[];
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly env?: Record<string, string | number>;
  readonly jobs: Record<string, Job>;
}

const WORKFLOW = join(ROOT, 'examples/ci/backfill.yml');
const MONGODB_URL = 'mongodb://ci-user:ci-password@mongodb.invalid:27017';
// The value the workflow passes from its secret: set before any config module reads it.
process.env.MMS_MONGODB_URL = MONGODB_URL;

const workflow = parse(await readFile(WORKFLOW, 'utf8')) as Workflow;
const [matrixJobId, matrixJob] = Object.entries(workflow.jobs).find(([, job]) => job.strategy?.matrix) ?? [];
const matrix = (matrixJob?.strategy?.matrix ?? {}) as {pair?: string[]; year?: number[]};
const cells = (matrix.pair ?? []).flatMap((pair) => (matrix.year ?? []).map((year) => ({pair, year: String(year)})));
const workflowEnv = stringValues(workflow.env);

function stringValues(env: Record<string, string | number> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, String(v)]));
}

/** `${{ … }}` as GitHub would fill it in for one matrix cell; any other expression is a test failure. */
function expressions(text: string, cell: {pair: string; year: string}): string {
  return text.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expr: string) => {
    if (expr === 'matrix.pair') return cell.pair;
    if (expr === 'matrix.year') return cell.year;
    if (expr === 'secrets.MMS_MONGODB_URL') return MONGODB_URL;
    if (expr.startsWith('env.') && workflowEnv[expr.slice(4)] !== undefined) return workflowEnv[expr.slice(4)]!;
    throw new Error(`no representative value for \${{ ${expr} }}`);
  });
}

/** The environment a step's script sees: workflow, job and step `env`, expressions filled in. */
function stepEnv(job: Job, step: Step, cell: {pair: string; year: string}): Record<string, string> {
  const env = {...workflowEnv, ...stringValues(job.env), ...stringValues(step.env)};
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, expressions(v, cell)]));
}

function runSteps(): Array<{jobId: string; job: Job; step: Step & {run: string}}> {
  return Object.entries(workflow.jobs).flatMap(([jobId, job]) =>
    job.steps.filter((s): s is Step & {run: string} => typeof s.run === 'string').map((step) => ({jobId, job, step})),
  );
}

function stepRunning(job: Job, command: string): Step & {run: string} {
  const step = job.steps.find((s) => typeof s.run === 'string' && new RegExp(`\\bmms ${command}\\b`).test(s.run));
  if (!step) throw new Error(`no step runs mms ${command}`);
  return step as Step & {run: string};
}

const config = await loadConfig({cwd: ROOT, configPath: join(ROOT, workflowEnv.MMS_CONFIG ?? 'MMS_CONFIG unset'), defaults: BUNDLED_DEFAULTS});

test('a (year x pair) matrix that does not fail fast, and a gate job that needs it', (t) => {
  t.deepEqual(Object.keys(workflow.on), ['workflow_dispatch']);
  t.truthy(matrixJobId, 'a job with a matrix');
  t.true((matrix.pair?.length ?? 0) > 0 && (matrix.year?.length ?? 0) > 0, 'the matrix has pairs and years');
  t.is(matrixJob!.strategy!['fail-fast'], false);
  t.is(typeof matrixJob!.strategy!['max-parallel'], 'number');

  // The gate checks FIRST_YEAR..LAST_YEAR as one range: it must be exactly the matrix's years, all over.
  const years = [...matrix.year!].sort((a, b) => a - b);
  t.deepEqual([Number(workflowEnv.FIRST_YEAR), Number(workflowEnv.LAST_YEAR)], [years[0], years.at(-1)]);
  t.deepEqual(
    years,
    years.map((_, i) => years[0]! + i),
    'consecutive years',
  );
  t.true(years.at(-1)! < new Date().getUTCFullYear(), '--to <year>-12-31 must be a complete day');

  const uses = matrixJob!.steps.map((s) => s.uses?.split('@')[0] ?? s.run?.trim().split('\n')[0]);
  t.deepEqual(uses.slice(0, 3), ['actions/checkout', 'actions/setup-node', 'npm ci']);
  t.is(String(matrixJob!.steps[1]!.with?.['node-version']), '24');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, as written in the workflow
  t.is(stepRunning(matrixJob!, 'ingest').env?.MMS_MONGODB_URL, '${{ secrets.MMS_MONGODB_URL }}');

  const [gateId, gate] = Object.entries(workflow.jobs).find(([, job]) => job.steps.some((s) => /\bmms gaps\b/.test(s.run ?? ''))) ?? [];
  t.truthy(gateId, 'a job runs mms gaps');
  t.deepEqual([gate!.needs].flat(), [matrixJobId]);
  t.regex(gate!.if ?? '', /!cancelled\(\)/, 'the gate reports on failed cells too');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, as written in the workflow
  t.is(gate!.env?.MMS_MONGODB_URL, '${{ secrets.MMS_MONGODB_URL }}');
  const runs = gate!.steps.map((s) => s.run ?? '');
  t.true(runs.findIndex((r) => /\bmms retry\b/.test(r)) < runs.findIndex((r) => /\bmms gaps\b/.test(r)), 'retry before gaps');
});

test('the config the workflow names loads, and reads the URL from the variable the workflow sets', (t) => {
  t.deepEqual(config.pairs, ['BRLBTC', 'BRLETH']);
  t.like(config.sink, {use: 'mongodb', url: MONGODB_URL});
});

test("every mms line of every run step parses with the CLI's own flags, in every matrix cell", async (t) => {
  const commands = new Set<string>();
  // Shell locals the scripts compute (the gate's day count); the gate test below runs the real arithmetic.
  const locals = {days: '1096'};
  for (const cell of cells) {
    for (const {jobId, job, step} of runSteps()) {
      const vars = {...stepEnv(job, step, cell), ...locals};
      for (const {line, argv, env} of mmsLines(expressions(step.run, cell), vars)) {
        const parsed = await parseMmsArgv(argv).catch((error: Error) => t.fail(`${jobId}: ${line}\n  → ${JSON.stringify(argv)}: ${error.message}`));
        if (!parsed) continue;
        commands.add(parsed.command);
        t.true(parsed.flags.json === true, `${line}: --json, so the summary is machine-readable`);
        t.is(parsed.flags.config, workflowEnv.MMS_CONFIG, line);
        t.deepEqual(env, {}, line);
        if (parsed.command === 'ingest') {
          t.deepEqual(parsed.flags.pairs, [cell.pair]);
          t.notThrows(() => checkPairs(config, parsed.flags.pairs as string[]), 'the matrix names only configured pairs');
          t.is(parsed.flags.from, `${cell.year}-01-01`);
          t.is(parsed.flags.to, `${cell.year}-12-31`);
        }
      }
    }
  }
  t.deepEqual([...commands].sort(), ['gaps', 'ingest', 'retry']);
});

test('the same check fails a wrong flag, a flag of another command, a bad value and a line it cannot split', async (t) => {
  await t.throwsAsync(parseMmsArgv(['ingest', '--form', '2022-01-01', '--json']), {message: /Nonexistent flag: --form/});
  await t.throwsAsync(parseMmsArgv(['gaps', '--from', '2022-01-01', '--json']), {message: /Nonexistent flag: --from/});
  await t.throwsAsync(parseMmsArgv(['ingest', '--from', '2022-13-01']), {message: /not a calendar date/});
  await t.throwsAsync(parseMmsArgv(['ingest', 'BRLBTC']), {message: /Unexpected argument/});
  await t.throwsAsync(parseMmsArgv(['backfill', '--json']), {message: /no command "backfill"/});
  t.throws(() => mmsLines('npx mms ingest --from "$(date +%F)"', {}), {message: /cannot expand/});
  t.throws(() => mmsLines('npx mms ingest --pairs "$PAIRS"', {}), {message: /no representative value for \$PAIRS/});
  t.throws(() => mmsLines('echo ok && npx mms retry', {}), {message: /cannot tell how mms is run/});
  t.deepEqual(mmsLines('MMS_NOW=2025-01-01 npx mms gaps --days "$N" --json > out.json 2>&1 || code=$?', {N: '30'}), [
    {
      line: 'MMS_NOW=2025-01-01 npx mms gaps --days "$N" --json > out.json 2>&1 || code=$?',
      argv: ['gaps', '--days', '30', '--json'],
      env: {MMS_NOW: '2025-01-01'},
    },
  ]);
});

interface StepRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly summary: string;
  readonly calls: Array<{argv: string[]; mmsNow: string | null}>;
  readonly sleeps: number;
}

/**
 * Runs a step's script as GitHub does (`bash -e`), with an `npx` that records its arguments and exits
 * with the next of `codes`, and a `sleep` that returns at once.
 */
async function runStep(t: ExecutionContext, job: Job, step: Step & {run: string}, codes: number[]): Promise<StepRun> {
  const dir = await tempDir(t);
  const bin = join(dir, 'bin');
  await mkdir(bin);
  await writeFile(
    join(bin, 'npx'),
    `#!${process.execPath}
const fs = require('node:fs');
const log = ${JSON.stringify(join(dir, 'calls.jsonl'))};
fs.appendFileSync(log, JSON.stringify({argv: process.argv.slice(2), mmsNow: process.env.MMS_NOW ?? null}) + '\\n');
const calls = fs.readFileSync(log, 'utf8').trim().split('\\n').length;
const codes = ${JSON.stringify(codes)};
process.stdout.write('{"ok": true}\\n');
process.exit(codes[Math.min(calls, codes.length) - 1]);
`,
  );
  await writeFile(join(bin, 'sleep'), `#!/bin/sh\necho "$1" >> ${JSON.stringify(join(dir, 'sleeps'))}\n`);
  await Promise.all([chmod(join(bin, 'npx'), 0o755), chmod(join(bin, 'sleep'), 0o755)]);
  const script = join(dir, 'step.sh');
  const cell = cells[0]!;
  await writeFile(script, expressions(step.run, cell));
  const summary = join(dir, 'summary.md');
  const env = {...stepEnv(job, step, cell), PATH: `${bin}:${process.env.PATH}`, HOME: dir, GITHUB_STEP_SUMMARY: summary};
  const {code, output: stdout} = await runProcess('bash', ['-e', script], {cwd: dir, env});
  const read = (file: string) => readFile(join(dir, file), 'utf8').catch(() => '');
  const calls = (await read('calls.jsonl'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as StepRun['calls'][number]);
  return {code, stdout, summary: await read('summary.md'), calls, sleeps: (await read('sleeps')).split('\n').filter(Boolean).length};
}

test("a cell: 0 passes, 3 passes with a warning, 5 waits and tries again, anything else fails with mms's code", async (t) => {
  const step = stepRunning(matrixJob!, 'ingest');
  const cell = cells[0]!;

  const ok = await runStep(t, matrixJob!, step, [0]);
  t.is(ok.code, 0, ok.stdout);
  t.is(ok.calls.length, 1);
  // bash's own split agrees with the one every line was checked with above.
  const [checked] = mmsLines(expressions(step.run, cell), stepEnv(matrixJob!, step, cell));
  t.deepEqual(ok.calls[0]!.argv, ['mms', ...checked!.argv]);
  t.regex(ok.summary, new RegExp(`ingest ${cell.pair} ${cell.year}: exit 0\\n\`\`\`json\\n\\{"ok": true\\}\\n\`\`\``));

  const partial = await runStep(t, matrixJob!, step, [5, 3]);
  t.is(partial.code, 0, partial.stdout);
  t.is(partial.calls.length, 2);
  t.is(partial.sleeps, 1);
  t.regex(partial.stdout, /::warning .*exit 3/);
  t.regex(partial.summary, /exit 3/);

  for (const code of [1, 2, 4]) {
    const failed = await runStep(t, matrixJob!, step, [code]);
    t.is(failed.code, code);
    t.regex(failed.stdout, new RegExp(`::error .*exit ${code}`));
  }
  const locked = await runStep(t, matrixJob!, step, [5]);
  t.is(locked.code, 5, 'still locked after every attempt');
  t.true(locked.calls.length > 2);
  t.is(locked.sleeps, locked.calls.length - 1, 'no wait after the last attempt');
});

test("the gate: retry 3 goes on to gaps, gaps 6 fails, and the gaps it runs checks exactly the matrix's years", async (t) => {
  const gate = Object.values(workflow.jobs).find((job) => job !== matrixJob)!;
  const retry = stepRunning(gate, 'retry');
  t.is((await runStep(t, gate, retry, [3])).code, 0);
  t.is((await runStep(t, gate, retry, [4])).code, 4);

  const gapsStep = stepRunning(gate, 'gaps');
  t.is((await runStep(t, gate, gapsStep, [0])).code, 0);
  t.is((await runStep(t, gate, gapsStep, [7])).code, 7);
  const missing = await runStep(t, gate, gapsStep, [6]);
  t.is(missing.code, 6);
  t.regex(missing.stdout, /::error .*missing/);

  // What the script ran, against an empty store of the same pairs: the period is the backfilled range.
  const [call] = missing.calls;
  t.is(call!.argv[0], 'mms');
  const argv = call!.argv.slice(1);
  const parsed = await parseMmsArgv(argv);
  const dir = await tempDir(t);
  await writeFile(join(dir, 'mms.config.json'), JSON.stringify({pairs: config.pairs, sink: {use: 'json-file', path: 'mms.json'}}));
  const local = argv.map((arg, i) => (argv[i - 1] === '--config' ? join(dir, 'mms.config.json') : arg));
  t.true(local.includes(join(dir, 'mms.config.json')));
  const run = await runCommand(local, {cwd: dir, env: {MMS_NOW: call!.mmsNow ?? undefined, MMS_LOG_LEVEL: 'silent'}});
  t.is(run.code, 6, run.stderr);
  const report = JSON.parse(run.stdout) as {period: {from: string; to: string; days: number}};
  t.like(report.period, {from: `${workflowEnv.FIRST_YEAR}-01-01`, to: `${workflowEnv.LAST_YEAR}-12-31`, days: parsed.flags.days});
});
