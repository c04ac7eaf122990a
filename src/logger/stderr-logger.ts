import type {Logger} from '../core/contracts/logger.js';
import {ConfigError} from '../core/errors/config-error.js';
import {redactSecrets} from '../core/redact-url.js';

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LEVELS)[number];

/** Human-readable lines on stderr, so stdout stays clean for results and `--json`. */
export function stderrLogger(level: LogLevel, write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  const threshold = LEVELS.indexOf(level);
  const at = (l: LogLevel, prefix: string) => (message: string) => {
    if (LEVELS.indexOf(l) >= threshold) write(redactSecrets(`${prefix}${message}`));
  };
  return {debug: at('debug', 'debug: '), info: at('info', ''), warn: at('warn', 'warning: '), error: at('error', 'error: ')};
}

/** `MMS_LOG_LEVEL`; unset means info, anything else unknown is a mistake worth saying. */
export function parseLogLevel(value: string | undefined): LogLevel {
  if (value === undefined || value === '') return 'info';
  if (!LEVELS.includes(value as LogLevel)) throw new ConfigError(`MMS_LOG_LEVEL: expected one of ${LEVELS.join(', ')}, got "${value}".`);
  return value as LogLevel;
}
