import type {Logger} from '../core/contracts/logger.js';

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LEVELS)[number];

/** Human-readable lines on stderr, so stdout stays clean for results and `--json`. */
export function stderrLogger(level: LogLevel, write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  const threshold = LEVELS.indexOf(level);
  const at = (l: LogLevel, prefix: string) => (message: string) => {
    if (LEVELS.indexOf(l) >= threshold) write(`${prefix}${message}`);
  };
  return {debug: at('debug', 'debug: '), info: at('info', ''), warn: at('warn', 'warning: '), error: at('error', 'error: ')};
}

export function parseLogLevel(value: string | undefined): LogLevel {
  return LEVELS.includes(value as LogLevel) ? (value as LogLevel) : 'info';
}
