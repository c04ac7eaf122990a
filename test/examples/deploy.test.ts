import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {readdir, readFile, stat} from 'node:fs/promises';
import {dirname, join, posix, relative, resolve} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import ts from 'typescript';
import {parse, parseAllDocuments} from 'yaml';
import {CONFIG_SEARCH_PLACES, loadConfig} from '../../src/config/load-config.js';
import {buildContainer, closeContainer} from '../../src/container/build-container.js';
import {BUNDLED_DEFAULTS} from '../../src/container/bundled-plugins.js';
import {parseShard, selectShard} from '../../src/core/pipeline/select-shard.js';
import {stderrLogger} from '../../src/logger/stderr-logger.js';
import {expandKubernetesVars} from '../helpers/expand-kubernetes-vars.js';
import {parseMmsArgv} from '../helpers/parse-mms-argv.js';
import {ROOT, runCli} from '../helpers/run-cli.js';
import {runProcess} from '../helpers/run-process.js';

// examples/deploy/ is what users build and apply as is: the image's layout, the compose services, the
// Kubernetes manifests and every mms command they run are checked against the code they will run.

const DEPLOY = join(ROOT, 'examples/deploy');
const CONFIG = join(DEPLOY, 'mms.config.ts');
const MONGODB_URL = 'mongodb://deploy-user:deploy-password@mongodb.invalid:27017';
// What compose and the Kubernetes Secret provide: set before the config module is first read.
process.env.MMS_MONGODB_URL = MONGODB_URL;

// ---------------------------------------------------------------- Dockerfile

interface Instruction {
  readonly op: string;
  readonly args: string;
}
interface Stage {
  readonly image: string;
  readonly name: string | undefined;
  readonly instructions: Instruction[];
}

function dockerfileStages(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  for (const line of lines) {
    const [, op, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    const instruction = {op: op!.toUpperCase(), args: args!};
    if (instruction.op === 'FROM') {
      const [image, as, name] = args!.split(/\s+/);
      if (as !== undefined && as.toUpperCase() !== 'AS') throw new Error(`cannot read FROM ${args}`);
      stages.push({image: image!, name, instructions: []});
    } else {
      if (stages.length === 0) throw new Error(`${op} before FROM`);
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}

/** ENTRYPOINT and CMD in exec form (a JSON array), the only form that passes arguments through. */
function execForm(instruction: Instruction | undefined): string[] {
  const value: unknown = JSON.parse(instruction?.args ?? 'null');
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new Error(`not exec form: ${instruction?.op} ${instruction?.args}`);
  return value;
}

interface Copy {
  readonly from: string | undefined;
  readonly sources: string[];
  /** Where each source lands in the image (absolute). */
  readonly placed: string[];
}

/** The COPY instructions of a stage, with destinations resolved against WORKDIR as Docker does. */
function copies(stage: Stage): Copy[] {
  let workdir = '/';
  const found: Copy[] = [];
  for (const {op, args} of stage.instructions) {
    if (op === 'WORKDIR') workdir = posix.resolve(workdir, args);
    if (op !== 'COPY' && op !== 'ADD') continue;
    const words = args.startsWith('[') ? (JSON.parse(args) as string[]) : args.split(/\s+/);
    const options = words.filter((w) => w.startsWith('--'));
    const paths = words.filter((w) => !w.startsWith('--'));
    const from = options.find((o) => o.startsWith('--from='))?.slice('--from='.length);
    const sources = paths.slice(0, -1);
    const dest = paths.at(-1)!;
    // Into a folder when the destination says so (a trailing /) or there are several sources.
    const intoFolder = dest.endsWith('/') || sources.length > 1;
    found.push({from, sources, placed: sources.map((src) => posix.resolve(workdir, dest, intoFolder ? posix.basename(src) : '.'))});
  }
  return found;
}

function workdirOf(stage: Stage): string {
  return stage.instructions.filter((i) => i.op === 'WORKDIR').reduce((dir, i) => posix.resolve(dir, i.args), '/');
}

/**
 * A .dockerignore as Docker reads it: patterns relative to the context root, `*` and `?` within one path
 * segment, `**` across any, a pattern that matches a folder matching everything in it, `!` re-including,
 * the last matching line deciding.
 */
function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((line) => {
      const negate = line.startsWith('!');
      const pattern = posix.normalize(line.slice(negate ? 1 : 0).trim()).replace(/^\/+|\/+$/g, '');
      const source = pattern
        .split(/(\*\*\/?|\*|\?)/)
        .map((part) =>
          part.startsWith('**')
            ? `(?:.*/)?${part.endsWith('/') ? '' : '.*'}`
            : part === '*'
              ? '[^/]*'
              : part === '?'
                ? '[^/]'
                : part.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
        )
        .join('');
      return {negate, regex: new RegExp(`^${source}$`)};
    });
  return (path) => {
    const segments = path.split('/');
    const prefixes = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const rule of rules) if (prefixes.some((p) => rule.regex.test(p))) excluded = !rule.negate;
    return excluded;
  };
}

async function filesUnder(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  const entries = await readdir(path, {recursive: true, withFileTypes: true});
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

const stages = dockerfileStages(await readFile(join(DEPLOY, 'Dockerfile'), 'utf8'));
const runtime = stages.at(-1)!;
const isExcluded = dockerignore(await readFile(join(DEPLOY, 'Dockerfile.dockerignore'), 'utf8'));
const config = await loadConfig({cwd: ROOT, configPath: CONFIG, defaults: BUNDLED_DEFAULTS});

test('Dockerfile: node:24-slim stages, a production-only runtime, a non-root user and mms as the entrypoint', async (t) => {
  t.true(stages.length >= 2, 'multi-stage');
  for (const stage of stages) t.is(stage.image, 'node:24-slim');
  const runs = (stage: Stage) => stage.instructions.filter((i) => i.op === 'RUN').map((i) => i.args);
  t.true(
    runs(stages[0]!).some((r) => /\bnpm run build\b/.test(r)),
    'the build stage builds',
  );
  // `prepare` runs the build, which needs the devDependencies the runtime leaves out.
  t.true(
    runs(runtime).some((r) => /\bnpm ci\b/.test(r) && /--omit=dev\b/.test(r) && /--ignore-scripts\b/.test(r)),
    runs(runtime).join('\n'),
  );

  const ops = runtime.instructions.map((i) => i.op);
  const entrypointAt = ops.lastIndexOf('ENTRYPOINT');
  const users = runtime.instructions.slice(0, entrypointAt).filter((i) => i.op === 'USER');
  t.true(users.length > 0, 'a USER before ENTRYPOINT');
  t.notRegex(users.at(-1)!.args, /^(root|0)(:|$)/);
  t.false(
    runtime.instructions.slice(entrypointAt).some((i) => i.op === 'USER'),
    'no USER after ENTRYPOINT',
  );

  const workdir = workdirOf(runtime);
  const [node, script, ...rest] = execForm(runtime.instructions[entrypointAt]);
  t.is(node, 'node');
  t.deepEqual(rest, []);
  const scriptPath = posix.resolve(workdir, script!);
  t.true(scriptPath.endsWith('/bin/run.js'), scriptPath);
  // bin/run.js finds the commands in dist/ beside it, and the package's shipped files sit beside both.
  const packageDir = posix.dirname(posix.dirname(scriptPath));
  t.is(packageDir, workdir);
  // What npm would install: package.json (its `exports` resolve the config's `import 'mms'`) and `files`.
  const placed = copies(runtime).flatMap((c) => c.placed);
  const shipped = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {files: string[]}).files;
  for (const entry of ['package.json', 'package-lock.json', ...shipped]) t.true(placed.includes(posix.join(packageDir, entry)), `${entry} is in the image`);

  // The config is found by mms's own search from the working directory.
  const configCopy = copies(runtime).find((c) => c.sources.includes('examples/deploy/mms.config.ts'));
  t.truthy(configCopy);
  t.is(posix.dirname(configCopy!.placed[0]!), workdir);
  t.true(CONFIG_SEARCH_PLACES.includes(posix.basename(configCopy!.placed[0]!)));

  const cmd = execForm(runtime.instructions.findLast((i) => i.op === 'CMD'));
  t.deepEqual(cmd, ['ingest']);
  t.like(await parseMmsArgv(cmd), {command: 'ingest'});
});

test('every COPY source exists and passes Dockerfile.dockerignore, whose context is the repository root', async (t) => {
  for (const stage of stages) {
    for (const copy of copies(stage)) {
      if (copy.from !== undefined) {
        t.true(
          stages.some((s) => s.name === copy.from),
          `COPY --from=${copy.from} names a stage`,
        );
        continue;
      }
      for (const source of copy.sources) {
        t.true(existsSync(join(ROOT, source)), `${source} exists`);
        const blocked = (await filesUnder(join(ROOT, source))).map((f) => relative(ROOT, f)).filter(isExcluded);
        t.deepEqual(blocked, [], `${source}: nothing in it is left out of the context`);
      }
    }
  }
  // What must never reach the daemon: dependencies, build output, local data and configs, git.
  for (const path of [
    'node_modules/ava/package.json',
    'dist/src/index.js',
    'data/mms.json',
    '.git/HEAD',
    'mms.config.ts',
    'examples/mongodb/mms.config.ts',
    'test/examples/deploy.test.ts',
  ]) {
    t.true(isExcluded(path), `${path} is left out`);
  }
  t.false(isExcluded('src/index.ts'));
});

test('the build stage compiles: everything the copied sources import is copied too', (t) => {
  const build = stages[0]!;
  const copied = copies(build)
    .filter((c) => c.from === undefined)
    .flatMap((c) => c.sources)
    .map((s) => join(ROOT, s));
  const tsconfig = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.build.json'),
    {},
    {...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => t.fail(String(d.messageText))},
  )!;
  const roots = tsconfig.fileNames.filter((f) => copied.some((dir) => f.startsWith(`${dir}/`)));
  t.true(roots.length > 0);
  const program = ts.createProgram(roots, {...tsconfig.options, noEmit: true});
  const outside = program
    .getSourceFiles()
    .map((f) => f.fileName)
    .filter((f) => !f.includes('/node_modules/') && !copied.some((c) => f === c || f.startsWith(`${c}/`)));
  t.deepEqual(outside, []);
});

// ---------------------------------------------------------------- docker compose

interface ComposeService {
  readonly image?: string;
  readonly build?: {context: string; dockerfile: string};
  readonly command?: string[];
  readonly environment?: Record<string, string>;
  readonly depends_on?: Record<string, {condition: string}>;
  readonly ports?: string[];
  readonly volumes?: string[];
  readonly healthcheck?: {test: string[]};
}

test('docker-compose.yml: MongoDB with a healthcheck and a volume, then ingest and serve from the image', async (t) => {
  const file = join(DEPLOY, 'docker-compose.yml');
  const compose = parse(await readFile(file, 'utf8'), {merge: true}) as {services: Record<string, ComposeService>; volumes?: Record<string, unknown>};
  const {mongodb, ingest, serve} = compose.services;
  t.is(mongodb?.image, 'mongo:8');
  t.true((mongodb?.healthcheck?.test.length ?? 0) > 0);
  const [volume, mountPath] = (mongodb?.volumes?.[0] ?? '').split(':');
  t.is(mountPath, '/data/db');
  t.true(volume! in (compose.volumes ?? {}), 'a named volume keeps the data');

  for (const [name, service] of Object.entries({ingest, serve})) {
    t.truthy(service, name);
    t.is(resolve(dirname(file), service!.build!.context), ROOT.replace(/\/$/, ''), `${name}: the context is the repository root`);
    t.true(existsSync(join(ROOT, service!.build!.dockerfile)));
    t.is(service!.depends_on?.mongodb?.condition, 'service_healthy');
    t.regex(service!.environment?.MMS_MONGODB_URL ?? '', /^mongodb:\/\/mongodb:27017\b/, `${name}: the URL names the mongodb service`);
    t.false(
      service!.command!.some((arg) => arg.includes('$')),
      'no compose interpolation in the command',
    );
  }
  t.like(await parseMmsArgv(ingest!.command!), {command: 'ingest'});
  const served = await parseMmsArgv(serve!.command!);
  t.like(served, {command: 'serve', flags: {host: '0.0.0.0'}});
  t.deepEqual(serve!.ports, [`${String(served.flags.port)}:${String(served.flags.port)}`]);
});

test('README: the compose commands it gives name services of docker-compose.yml and arguments the CLI accepts; ingest is a one-off run', async (t) => {
  const compose = parse(await readFile(join(DEPLOY, 'docker-compose.yml'), 'utf8'), {merge: true}) as {
    services: Record<string, ComposeService & {restart?: string}>;
  };
  const readme = await readFile(join(DEPLOY, 'README.md'), 'utf8');
  const runs = [...readme.matchAll(/docker compose -f (\S+) run --rm (\S+)([^#\n]*)/g)];
  t.true(runs.length >= 4, "the next day's run, another command, and the scheduled ingest and retry");
  for (const [line, file, service, rest] of runs) {
    t.is(resolve(ROOT, file!), join(DEPLOY, 'docker-compose.yml'), line);
    t.truthy(compose.services[service!], `${line}: a service of docker-compose.yml`);
    const args = rest!.trim().split(/\s+/).filter(Boolean);
    await t.notThrowsAsync(parseMmsArgv(args.length > 0 ? args : compose.services[service!]!.command!), line);
  }
  t.is(compose.services.ingest?.restart, 'no', 'compose never starts ingest again');
  t.regex(readme, /`ingest` is a one-off run/);
  t.regex(readme, /^15 0 \* \* \* .*run --rm ingest$/m, 'the daily run scheduled from the host, as k8s/cronjob.yaml does');
});

// ---------------------------------------------------------------- Kubernetes

interface Container {
  readonly name: string;
  readonly image: string;
  readonly command?: string[];
  readonly args?: string[];
  readonly env?: Array<{name: string; valueFrom?: {secretKeyRef?: {name: string; key: string}}}>;
  readonly securityContext?: {readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean};
}
interface PodSpec {
  readonly restartPolicy: string;
  readonly securityContext?: {runAsNonRoot?: boolean; runAsUser?: number};
  readonly containers: Container[];
}
interface JobSpec {
  readonly completionMode?: string;
  readonly completions?: number;
  readonly parallelism?: number;
  readonly podFailurePolicy?: {rules: Array<{onExitCodes?: {containerName?: string}}>};
  readonly template: {spec: PodSpec};
}
interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {name: string};
  readonly spec: JobSpec & {schedule?: string; timeZone?: string; concurrencyPolicy?: string; jobTemplate?: {spec: JobSpec}};
}

async function manifests(file: string): Promise<Manifest[]> {
  const documents = parseAllDocuments(await readFile(join(DEPLOY, 'k8s', file), 'utf8'));
  if (!Array.isArray(documents)) throw new Error(`${file}: no documents`);
  for (const doc of documents) if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
  return documents.map((doc) => doc.toJS() as Manifest);
}

/** What every pod of ours must be: non-root, read-only, the store's URL from a Secret, mms as the process. */
function checkPod(t: ExecutionContext, name: string, job: JobSpec): Container {
  const pod = job.template.spec;
  t.is(pod.restartPolicy, 'Never', `${name}: a podFailurePolicy needs restartPolicy Never`);
  t.is(pod.securityContext?.runAsNonRoot, true, name);
  t.true((pod.securityContext?.runAsUser ?? 0) > 0, `${name}: a numeric non-root user, which runAsNonRoot can verify`);
  t.is(pod.containers.length, 1);
  const container = pod.containers[0]!;
  t.like(container.securityContext, {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false}, name);
  t.true(container.command === undefined || container.command.join(' ') === 'node /app/bin/run.js', `${name}: the image's entrypoint runs mms`);
  t.truthy(container.env?.find((e) => e.name === 'MMS_MONGODB_URL')?.valueFrom?.secretKeyRef, `${name}: MMS_MONGODB_URL from a Secret`);
  for (const rule of job.podFailurePolicy?.rules ?? []) t.is(rule.onExitCodes?.containerName ?? container.name, container.name);
  return container;
}

test('k8s/cronjob.yaml: daily ingest and a retry, UTC, never two at once, arguments the CLI accepts', async (t) => {
  const cronJobs = await manifests('cronjob.yaml');
  const commands: string[] = [];
  for (const cron of cronJobs) {
    t.is(cron.apiVersion, 'batch/v1');
    t.is(cron.kind, 'CronJob');
    t.is(cron.spec.concurrencyPolicy, 'Forbid', cron.metadata.name);
    t.true(['Etc/UTC', 'UTC'].includes(cron.spec.timeZone ?? ''), `${cron.metadata.name}: days are UTC`);
    t.is(cron.spec.schedule?.split(/\s+/).length, 5);
    const container = checkPod(t, cron.metadata.name, cron.spec.jobTemplate!.spec);
    const parsed = await parseMmsArgv(expandKubernetesVars(container.args ?? [], {}));
    t.true(parsed.flags.json, `${cron.metadata.name}: --json`);
    commands.push(parsed.command);
  }
  t.deepEqual(commands, ['ingest', 'retry']);
});

test('k8s/indexed-job.yaml: N indexed pods whose --shard i/N shares cover every configured pair exactly once', async (t) => {
  const [job, ...others] = await manifests('indexed-job.yaml');
  t.deepEqual(others, []);
  t.is(job!.apiVersion, 'batch/v1');
  t.is(job!.kind, 'Job');
  t.is(job!.spec.completionMode, 'Indexed');
  const container = checkPod(t, job!.metadata.name, job!.spec);
  const args = container.args ?? [];
  const shard = args[args.indexOf('--shard') + 1] ?? '';
  const n = Number(/^\$\(JOB_COMPLETION_INDEX\)\/(\d+)$/.exec(shard)?.[1]);
  t.true(n > 0, `--shard $(JOB_COMPLETION_INDEX)/N, got ${shard}`);
  t.is(job!.spec.completions, n);
  t.is(job!.spec.parallelism, n);

  const shares: string[][] = [];
  for (let index = 0; index < n; index++) {
    const parsed = await parseMmsArgv(expandKubernetesVars(args, {JOB_COMPLETION_INDEX: String(index)}));
    t.like(parsed.flags, {json: true, from: '2022-01-01', to: '2024-12-31'});
    shares.push(selectShard(config.pairs, parseShard(parsed.flags.shard as string)));
  }
  t.log(`shares of ${config.pairs.join(', ')} over ${n} pods: ${JSON.stringify(shares)}`);
  t.deepEqual(shares.flat().sort(), [...config.pairs].sort(), 'each pair in exactly one share');
  // The manifest's comment promises a pod per pair with this N.
  t.true(shares.every((share) => share.length <= 1));
  t.throws(() => expandKubernetesVars(args, {}), {message: /no value for \$\(JOB_COMPLETION_INDEX\)/});
});

// ---------------------------------------------------------------- config and image

test('examples/deploy/mms.config.ts loads and builds: both pairs, SMA 20/50/200, MongoDB from MMS_MONGODB_URL', async (t) => {
  const container = await buildContainer({config, clock: {now: Date.now}, logger: stderrLogger('silent')});
  t.teardown(() => closeContainer(container));
  t.deepEqual(config.pairs, ['BRLBTC', 'BRLETH']);
  t.like(config.source, {use: 'mercado-bitcoin', api: 'v4'});
  t.deepEqual(config.transforms, [{use: 'sma', windows: [20, 50, 200]}]);
  t.like(config.sink, {use: 'mongodb', url: MONGODB_URL});
});

test("without MMS_MONGODB_URL the image's config stops a command at once: exit 2, naming the variable", async (t) => {
  const run = await runCli(['ingest', '--json', '--config', CONFIG], {cwd: ROOT});
  t.is(run.code, 2, run.stderr);
  t.regex((JSON.parse(run.stdout) as {error: {message: string}}).error.message, /MMS_MONGODB_URL is not set/);
});

function docker(args: string[], timeoutMs: number): Promise<{code: number | null; output: string}> {
  return runProcess('docker', args, {cwd: ROOT, timeout: timeoutMs}).catch((error: Error) => ({code: null, output: error.message}));
}

// Decided when the file loads (synchronously: AVA takes no test declared later): without a Docker daemon
// the test is a visible skip, never a pass.
const dockerInfo = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], {encoding: 'utf8', timeout: 30_000});
const noDocker = dockerInfo.error
  ? `no docker (${(dockerInfo.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'install Docker' : dockerInfo.error.message})`
  : dockerInfo.status !== 0
    ? `no docker daemon (${`${dockerInfo.stderr}${dockerInfo.stdout}`.trim().split('\n')[0]})`
    : undefined;
const imageTest = 'docker build, then the image runs mms as a non-root user on a read-only filesystem';
if (noDocker) {
  console.log(`${imageTest} — skipped: ${noDocker}`);
  test.skip(`${imageTest} — skipped: ${noDocker}`, () => {});
} else {
  test(imageTest, buildAndRunImage);
}

async function buildAndRunImage(t: ExecutionContext) {
  t.timeout(20 * 60_000);
  const tag = `mms-deploy-test:${process.pid}`;
  t.teardown(() => docker(['image', 'rm', '-f', tag], 60_000));
  const build = await docker(['build', '-f', 'examples/deploy/Dockerfile', '-t', tag, '.'], 15 * 60_000);
  t.is(build.code, 0, build.output.slice(-4000));
  const version = await docker(['run', '--rm', tag, '--version'], 60_000);
  t.regex(version.output, /^mms\/\d+\.\d+\.\d+ .* node-v24\./m);
  const user = await docker(['run', '--rm', '--entrypoint', 'id', tag, '-u'], 60_000);
  t.not(user.output.trim(), '0');
  const plugins = await docker(['run', '--rm', '--read-only', '-e', `MMS_MONGODB_URL=${MONGODB_URL}`, tag, 'plugins', '--json'], 60_000);
  t.is(plugins.code, 0, plugins.output);
  t.regex(plugins.output, /"mongodb"/);
}
