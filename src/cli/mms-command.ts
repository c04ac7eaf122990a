import {randomUUID} from 'node:crypto';
import {hostname} from 'node:os';
import {Command} from '@oclif/core';
import type {Container} from 'inversify';
import {systemClock} from '../clock/system-clock.js';
import type {ResolvedConfig} from '../config/config-schema.js';
import {loadConfig} from '../config/load-config.js';
import {buildContainer, closeContainer} from '../container/build-container.js';
import {BUNDLED_DEFAULTS} from '../container/bundled-plugins.js';
import type {Clock} from '../core/contracts/clock.js';
import type {Logger} from '../core/contracts/logger.js';
import type {RunRecord, StateStore} from '../core/contracts/state-store.js';
import {EXIT_CODES} from '../core/errors/exit-codes.js';
import {isMmsError} from '../core/errors/mms-error.js';
import {redactCredentials, redactDeep, redactSecrets} from '../core/redact-url.js';
import {TOKENS} from '../core/tokens.js';
import {parseLogLevel, stderrLogger} from '../logger/stderr-logger.js';
import {preferSmallHeap} from './prefer-small-heap.js';
import {configFlag} from './shared-flags.js';

/** What a run wrote and sent, for the run history. */
export interface RunTotals {
  readonly written?: number;
  readonly requests?: number;
  /** What failed, for a run that ended without throwing (a pair that could not be fetched). */
  readonly error?: string;
}

/**
 * Base of every mms command: `--json` and `--config`, one container per run (closed in `finally`), and
 * errors mapped to their documented exit code with a one-line message — a stack trace only for bugs.
 */
export abstract class MmsCommand<T> extends Command {
  static override enableJsonFlag = true;
  static override baseFlags = {config: configFlag};
  /** Set by batch commands whose memory must stay flat over long ranges (see preferSmallHeap). */
  static smallHeap = false;

  private readonly containers: Container[] = [];
  /** This run in the store's run history, once started (commands that write the store). */
  private history: {store: StateStore; record: RunRecord; totals?: RunTotals; error?: string} | undefined;
  /** Why this run could not be recorded in the run history. */
  private historyError: string | undefined;
  private readonly stop = new AbortController();
  private readonly onSignal = (signal: NodeJS.Signals) => {
    // First signal: stop at the next safe point, release the lock, close connections. Second: now.
    if (this.stop.signal.aborted) process.exit(EXIT_CODES.interrupted);
    this.stop.abort(signal);
  };

  /** Aborted on SIGINT/SIGTERM: services stop at their next safe point. */
  protected get signal(): AbortSignal {
    return this.stop.signal;
  }

  protected override async init(): Promise<void> {
    await super.init();
    if ((this.constructor as typeof MmsCommand).smallHeap) preferSmallHeap();
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  protected clock(): Clock {
    return systemClock();
  }

  protected logger(): Logger {
    // With --json, stdout carries only the result; logs stay on stderr but only warnings and errors.
    return stderrLogger(this.jsonEnabled() ? 'warn' : parseLogLevel(process.env.MMS_LOG_LEVEL));
  }

  /** The container of a config (`mms copy` opens two); each is closed when the command ends. */
  protected async openContainer(configPath: string | undefined): Promise<{container: Container; config: ResolvedConfig}> {
    const config = await loadConfig({configPath, cwd: process.cwd(), defaults: BUNDLED_DEFAULTS});
    const container = await buildContainer({config, clock: this.clock(), logger: this.logger()});
    this.containers.push(container);
    return {container, config};
  }

  /**
   * Records the start of this run in the run history of the store `container` writes (when its state store
   * keeps one); its end is recorded when the command ends, whatever the outcome. A run killed before that
   * stays without an end: `mms status` shows it unfinished.
   */
  protected async startRun(container: Container, pairs: readonly string[]): Promise<void> {
    const store = await container.getAsync<StateStore>(TOKENS.StateStore);
    if (!store.recordRun) return;
    const startedAt = new Date().toISOString();
    const record: RunRecord = {
      id: `${startedAt}-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
      command: this.id ?? 'unknown',
      args: this.argv.map((arg) => redactCredentials(arg)),
      pairs: [...pairs],
      host: hostname(),
      pid: process.pid,
      startedAt,
    };
    try {
      await store.recordRun(record);
      this.history = {store, record};
    } catch (error) {
      // The run goes on: a store that cannot be reached fails it next with its own one-line error, and one
      // that recovers only misses this entry, which the run then says.
      this.historyError = redactSecrets((error as Error).message);
    }
  }

  /** What this run wrote and sent, for its entry in the run history. */
  protected settleRun(totals: RunTotals): void {
    if (this.history) this.history.totals = totals;
  }

  abstract override run(): Promise<T>;

  private async endRun(history: NonNullable<MmsCommand<T>['history']>): Promise<void> {
    const exitCode = Number(process.exitCode ?? 0);
    const outcome = exitCode === 0 ? 'ok' : exitCode === EXIT_CODES.partial ? 'partial' : exitCode === EXIT_CODES.interrupted ? 'interrupted' : 'failed';
    const ended: RunRecord = {
      ...history.record,
      endedAt: new Date().toISOString(),
      outcome,
      exitCode,
      ...history.totals,
      ...(history.error === undefined ? {} : {error: history.error}),
    };
    try {
      await history.store.recordRun!(ended);
    } catch (error) {
      process.stderr.write(`Warning: the end of this run could not be recorded in the run history: ${redactSecrets((error as Error).message)}\n`);
    }
  }

  // Whatever a command prints — a result that quotes a config value, a library's message — goes through
  // the same redaction as the logs.
  override log(message = '', ...args: unknown[]): void {
    super.log(redactCredentials(message), ...args);
  }

  protected override logJson(json: unknown): void {
    super.logJson(redactDeep(json));
  }

  protected override async catch(error: Error & {code?: string; oclif?: {exit?: number}}): Promise<unknown> {
    if (error.code === 'EEXIT') throw error; // this.exit(): not an error
    if (error.oclif && !this.jsonEnabled()) return super.catch(error); // a bad flag: oclif prints it with the usage
    const known = isMmsError(error);
    const code = known ? error.code : error.oclif ? 'MMS_USAGE' : 'MMS_INTERNAL';
    const exitCode = known ? error.exitCode : error.oclif ? (error.oclif.exit ?? EXIT_CODES.usage) : EXIT_CODES.internal;
    const message = redactSecrets(
      known || error.oclif ? error.message : `${error.name}: ${error.message} (this is a bug in mms or a plugin; please report it with the stack trace)`,
    );
    process.exitCode = exitCode;
    if (this.history) this.history.error = message;
    if (this.jsonEnabled()) {
      this.logJson({error: {code, message, exitCode}});
    } else {
      process.stderr.write(`Error: ${message}\n`);
      if (!known) process.stderr.write(`${redactSecrets(error.stack ?? '')}\n`);
    }
    return undefined;
  }

  protected override async finally(error: Error | undefined): Promise<unknown> {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    if (this.history) await this.endRun(this.history);
    const exitCode = Number(process.exitCode ?? 0);
    if (this.historyError !== undefined && (exitCode === EXIT_CODES.ok || exitCode === EXIT_CODES.partial)) {
      process.stderr.write(`Warning: this run could not be recorded in the run history: ${this.historyError}\n`);
    }
    for (const container of this.containers) await closeContainer(container).catch(() => undefined);
    return super.finally(error);
  }
}
