import {Flags} from '@oclif/core';
import {MmsCommand} from '../cli/mms-command.js';
import {RECORDED_AT, recordedDataset} from '../../simulator/recorded-dataset.js';
import {startSimulator} from '../../simulator/start-simulator.js';
import {syntheticDataset} from '../../simulator/synthetic-dataset.js';
import {FaultPlan, parseFault} from '../../simulator/fault-plan.js';
import {UsageError} from '../core/errors/usage-error.js';
import {simulatorClock} from '../../simulator/simulator-clock.js';

/** `mms simulate` runs until stopped: with --json it prints where it listens at once, one line. */
export default class Simulate extends MmsCommand<undefined> {
  static override summary = 'Run a local fake of the Mercado Bitcoin API (both API shapes) until interrupted.';
  static override description =
    'Replays real recorded daily candles of BRLBTC and BRLETH (2020-01-01 .. 2022-04-26, and the partial 2022-04-27 as the running bucket), or a deterministic synthetic series for any pair and resolution. Its clock is MMS_NOW, or the moment of the recording when MMS_NOW is unset; run mms with the same MMS_NOW.';
  static override examples = [
    '<%= config.bin %> simulate --port 8787',
    'MMS_NOW=2022-04-27T12:00:00Z <%= config.bin %> simulate',
    '<%= config.bin %> simulate --synthetic --seed 7',
    '<%= config.bin %> simulate --fault down:4 --fault hole:BRLBTC:2022-01-10..2022-01-12',
  ];
  static override flags = {
    host: Flags.string({summary: 'Interface to listen on.', default: '127.0.0.1'}),
    port: Flags.integer({summary: 'Port (0 picks a free one).', default: 8787, min: 0, max: 65_535}),
    synthetic: Flags.boolean({summary: 'Serve a seeded synthetic series (any pair, any resolution) instead of the recordings.'}),
    seed: Flags.integer({summary: 'Seed of the synthetic series.', default: 1}),
    quiet: Flags.boolean({summary: 'Do not log each request.'}),
    fault: Flags.string({
      summary:
        'Inject a fault (repeatable): down[:N], down-after:N, fail-pair:PAIR, cloudflare[:N], rate-limit[:N[:SECONDS]], slow:MS[:N], hole:PAIR:DAY[..DAY], malformed-json[:N], unequal-columns[:N], partial-day, restate:PAIR:DAY. N counts requests from the first.',
      multiple: true,
      helpValue: '<spec>',
    }),
  };

  async run(): Promise<undefined> {
    const {flags} = await this.parse(Simulate);
    const faults = (flags.fault ?? []).map((spec) => {
      try {
        return parseFault(spec);
      } catch (error) {
        throw new UsageError(`--fault: ${(error as Error).message}`);
      }
    });
    const clock = simulatorClock(process.env, flags.synthetic);
    const fixedNow = clock.fixed;
    const simulator = await startSimulator({
      dataset: flags.synthetic ? syntheticDataset(flags.seed) : recordedDataset(),
      now: clock.now,
      faults: new FaultPlan(faults),
      host: flags.host,
      port: flags.port,
      onRequest: flags.quiet ? undefined : (method, url, status) => process.stderr.write(`${status} ${method} ${url}\n`),
    }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE')
        throw new UsageError(`--port ${flags.port}: already in use on ${flags.host}; pick another port, or --port 0 for a free one.`);
      if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') throw new UsageError(`--host ${flags.host}: not an address of this machine.`);
      throw error;
    });
    if (this.jsonEnabled()) {
      const ready = {
        url: simulator.url,
        v4BaseUrl: `${simulator.url}/api/v4`,
        legacyBaseUrl: `${simulator.url}/v4`,
        now: fixedNow === undefined ? null : new Date(fixedNow).toISOString(),
      };
      process.stdout.write(`${JSON.stringify(ready)}\n`);
    }
    this.log(`Mercado Bitcoin simulator on ${simulator.url} (clock: ${fixedNow === undefined ? 'system time' : new Date(fixedNow).toISOString()})`);
    this.log(`  v4:     "source": {"use": "mercado-bitcoin", "api": "v4", "baseUrl": "${simulator.url}/api/v4"}`);
    this.log(`  legacy: "source": {"use": "mercado-bitcoin", "api": "legacy", "baseUrl": "${simulator.url}/v4"}`);
    if (fixedNow !== undefined && !process.env.MMS_NOW) this.log(`  run mms with MMS_NOW=${RECORDED_AT} so "yesterday" is a recorded day.`);
    if (faults.length > 0) this.log(`  faults: ${flags.fault!.join(', ')}`);
    this.log('Press Ctrl+C to stop.');
    await new Promise((resolve) => this.signal.addEventListener('abort', resolve, {once: true}));
    await simulator.close();
    this.log(`Stopped after ${simulator.requests} request(s).`);
    return undefined;
  }
}
