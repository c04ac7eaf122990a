import {readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import type {ExecutionContext} from 'ava';
import {type Fault, FaultPlan} from '../../simulator/fault-plan.js';
import {recordedDataset} from '../../simulator/recorded-dataset.js';
import type {SimulatorDataset} from '../../simulator/simulator-dataset.js';
import {startSimulator} from '../../simulator/start-simulator.js';
import {type CliResult, runCli} from './run-cli.js';
import {type CommandResult, runCommand} from './run-command.js';
import {tempDir} from './temp-dir.js';

export interface StoredRecord {
  pair: string;
  timestamp: number;
  close: number;
  [field: string]: string | number | null;
}

export interface SimulatedProject {
  readonly dir: string;
  readonly configPath: string;
  readonly dataPath: string;
  readonly simulatorUrl: string;
  /** Requests the simulator has served so far. */
  requests(): number;
  /** Replaces the simulator's faults (their request count restarts). */
  setFaults(faults: readonly Fault[]): void;
  /** Runs `mms <args>` in this process (runCommand) with MMS_NOW = `now`; the simulator's clock follows the same instant. */
  mms(args: readonly string[], now: string, env?: Record<string, string>): Promise<CommandResult>;
  /** As mms(), as a real process (runCli): for a run that must overlap another, or that a test signals or kills. */
  mmsProcess(args: readonly string[], now: string, env?: Record<string, string>): Promise<CliResult>;
  records(): Promise<StoredRecord[]>;
  rawData(): Promise<string>;
}

/**
 * A temp directory with an mms config pointing at a real simulator on loopback: the same setup a user has,
 * minus pacing (tests of pacing live with the source).
 */
export async function simulatedProject(
  t: ExecutionContext,
  options: {config?: (simulatorUrl: string) => Record<string, unknown>; dataset?: SimulatorDataset; faults?: readonly Fault[]} = {},
): Promise<SimulatedProject> {
  const dir = await tempDir(t);
  let now = Date.parse('2022-04-27T12:00:00Z');
  const faults = {plan: new FaultPlan(options.faults)};
  const simulator = await startSimulator({
    dataset: options.dataset ?? recordedDataset(),
    now: () => now,
    get faults() {
      return faults.plan;
    },
  });
  t.teardown(() => simulator.close());
  // The helper reads the store as a JSON file (records(), rawData()): a config that names no sink gets that one.
  const config = {
    sink: {use: 'json-file', path: 'data/mms.json'},
    ...(options.config?.(simulator.url) ?? {
      pairs: ['BRLBTC', 'BRLETH'],
      source: {use: 'mercado-bitcoin', api: 'v4', baseUrl: `${simulator.url}/api/v4`, minIntervalMs: 0},
      transforms: [{use: 'sma', windows: [20, 50, 200]}],
    }),
  };
  const configPath = join(dir, 'mms.config.json');
  await writeFile(configPath, JSON.stringify(config, null, 2));
  const dataPath = join(dir, 'data', 'mms.json');
  return {
    dir,
    configPath,
    dataPath,
    simulatorUrl: simulator.url,
    requests: () => simulator.requests,
    setFaults: (list) => {
      faults.plan = new FaultPlan(list);
    },
    async mms(args, at, env = {}) {
      now = Date.parse(at);
      return runCommand(args, {cwd: dir, env: {MMS_NOW: at, ...env}});
    },
    async mmsProcess(args, at, env = {}) {
      now = Date.parse(at);
      return runCli(args, {cwd: dir, env: {MMS_NOW: at, ...env}});
    },
    records: async () => JSON.parse(await readFile(dataPath, 'utf8')) as StoredRecord[],
    rawData: () => readFile(dataPath, 'utf8'),
  };
}

export const utcDay = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);
export const dayStart = (isoDay: string) => Date.parse(`${isoDay}T00:00:00Z`) / 1000;
