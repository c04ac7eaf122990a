import {setTimeout as sleep} from 'node:timers/promises';

/**
 * Spaces requests to one key (a host) at least `intervalMs` apart, in arrival order. MB documents
 * 1 request/s for candles and answers bursts with 429 or a Cloudflare block, so every attempt, retries
 * included, goes through here.
 */
export class RequestPacer {
  private readonly next = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async wait(key: string, intervalMs: number, signal?: AbortSignal): Promise<void> {
    if (intervalMs <= 0) return;
    const now = this.now();
    const slot = Math.max(now, this.next.get(key) ?? 0);
    // Reserve the slot before sleeping so concurrent callers queue behind each other.
    this.next.set(key, slot + intervalMs);
    if (slot > now) await sleep(slot - now, undefined, {signal});
  }
}
