import {type FastifyBaseLogger, type FastifyReply, type FastifyRequest, LogController} from 'fastify';
import {type LevelWithSilent, pino} from 'pino';
import sonicBoom from 'sonic-boom';
import {redactSecrets} from '../core/redact-url.js';

// A CommonJS module whose class is also its `SonicBoom` property (what its types describe).
const {SonicBoom} = sonicBoom;

/** Past this much waiting to be written (a log reader that stopped reading), new lines are dropped. */
const MAX_PENDING_BYTES = 16 * 1_048_576;
/**
 * Lines are handed to the file in writes of at least this many bytes, or once a second: a write per line
 * (each a trip to libuv's thread pool) would cost a busy server more than the rest of its logging.
 */
const WRITE_BYTES = 65_536;
const FLUSH_EVERY_MS = 1000;
/** Longest `close` waits for the lines to be written: a stuck log reader must not keep the server running. */
const CLOSE_WAIT_MS = 2000;

/**
 * The server's log: fastify's own logger (pino), one JSON line per request — `time`, `level`, `reqId`,
 * `method`, `url`, `status`, `ms` — and per server fault, written asynchronously to `fd` (stderr). A reader
 * that goes away (EPIPE) costs the lines, never the server; one that stops reading holds at most 16 MB of
 * them before newer ones are dropped, so the server's memory cannot grow without end.
 */
export class RequestLog {
  readonly logger: FastifyBaseLogger;
  private readonly destination: InstanceType<typeof SonicBoom>;
  private closed: Promise<boolean> | undefined;

  constructor(options: {fd?: number; level?: LevelWithSilent} = {}) {
    this.destination = new SonicBoom({
      fd: options.fd ?? 2,
      sync: false,
      // Lines as Buffers: in text mode the stream measures the whole pending text again at every line.
      contentMode: 'buffer',
      minLength: WRITE_BYTES,
      maxWrite: 4 * WRITE_BYTES,
      periodicFlush: FLUSH_EVERY_MS,
      maxLength: MAX_PENDING_BYTES,
    });
    // Without a listener an error would take the process down; the lines that could not be written are lost.
    this.destination.on('error', () => undefined);
    this.logger = pino(
      {
        level: options.level ?? 'info',
        // No pid or hostname in every line: the process manager knows both.
        base: undefined,
        formatters: {level: (label) => ({level: label})},
      },
      // Its types know only strings; in buffer mode it takes Buffers.
      {write: (line: string) => this.destination.write(Buffer.from(line) as unknown as string)},
    );
  }

  /** The line of a request fastify never routed (refused by the HTTP parser, a CONNECT). */
  request(reqId: string, method: string, url: string, status: number): void {
    this.logger.info({reqId, method, url, status, ms: 0}, 'request');
  }

  /**
   * Resolves true once every line is written (or given up after a write error), false if a write is still
   * stalled after 2 s on a reader that stopped reading: that write then keeps the process from exiting on its
   * own. Called again, it answers the same.
   */
  close(): Promise<boolean> {
    this.closed ??= new Promise((resolve) => {
      const giveUp = setTimeout(() => resolve(false), CLOSE_WAIT_MS);
      const done = () => {
        clearTimeout(giveUp);
        resolve(true);
      };
      this.destination.once('close', done);
      this.destination.once('error', done);
      this.destination.end();
    });
    return this.closed;
  }
}

/**
 * fastify's request logging, one line per request instead of two ("incoming request", "request completed"):
 * written when the answer is sent, with the time fastify measured to produce it.
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(_error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    reply.log.info({method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100}, 'request');
  }
}

/** A server fault's line: its message and stack, with any credentials in them redacted. */
export function logFault(log: FastifyBaseLogger, error: Error): void {
  log.error({stack: redactSecrets(error.stack ?? '')}, redactSecrets(error.message));
}
