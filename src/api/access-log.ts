import sonicBoom from 'sonic-boom';
import {redactSecrets} from '../core/redact-url.js';

// A CommonJS module whose class is also its `SonicBoom` property (what its types describe).
const {SonicBoom} = sonicBoom;

/** Longest a line waits in the buffer: a quiet server's requests still show in `tail -f` at once. */
const FLUSH_EVERY_MS = 1000;

/**
 * One JSON line per request (`time`, `reqId`, `method`, `url`, `status`, `ms`) and per server fault, written
 * through a buffered asynchronous stream. Cheaper than a logger child per request — which cost the server
 * nearly half its throughput. The buffer is written when it holds 64 KB, every second if it holds anything,
 * and on close; past 16 MB waiting (a log reader that stopped reading) new lines are dropped rather than
 * letting the server's memory grow without end.
 */
export class AccessLog {
  private readonly destination: InstanceType<typeof SonicBoom>;
  private buffered = false;
  private readonly timer: NodeJS.Timeout;

  constructor(fd = 2) {
    // Buffers, not strings: in string mode sonic-boom measures the whole pending string at every write,
    // which cost more than everything else a request does once the buffer is allowed to grow.
    this.destination = new SonicBoom({fd, sync: false, contentMode: 'buffer', minLength: 65_536, maxWrite: 1_048_576, maxLength: 16 * 1_048_576});
    this.timer = setInterval(() => {
      if (!this.buffered) return;
      this.buffered = false;
      this.destination.flush();
    }, FLUSH_EVERY_MS);
    this.timer.unref();
  }

  request(reqId: string, method: string, url: string, status: number, ms: number): void {
    this.line(`{"time":${Date.now()},"level":"info","reqId":${quote(reqId)},"method":"${method}","url":${quote(url)},"status":${status},"ms":${ms.toFixed(2)}}\n`);
  }

  fault(reqId: string, error: Error): void {
    this.line(`${JSON.stringify({time: Date.now(), level: 'error', reqId, msg: redactSecrets(error.message), stack: redactSecrets(error.stack ?? '')})}\n`);
  }

  message(text: string): void {
    this.line(`${JSON.stringify({time: Date.now(), level: 'info', msg: text})}\n`);
  }

  private line(text: string): void {
    this.buffered = true;
    // Its types know only strings; in buffer mode it takes Buffers.
    this.destination.write(Buffer.from(text) as unknown as string);
  }

  flush(): void {
    clearInterval(this.timer);
    this.destination.flushSync();
  }
}

/** Printable ASCII but `"` and `\`: nothing JSON would escape. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** A JSON string literal; the common case (nothing to escape) skips JSON.stringify. */
function quote(text: string): string {
  return PLAIN.test(text) ? `"${text}"` : JSON.stringify(text);
}
