// observation.ts: one observation the server holds on a client: notifications as events and as an async iterable, and
// cancel.
import { EventEmitter } from 'node:events';
import type { ObserveReadStream } from 'coap';
import type { Path } from '../lwm2m/types.js';
import type { NotifyEvent, OpResult } from './types.js';

export interface ObservationEvents {
  notification: [NotifyEvent];
  end: [];
}

/** The first answer of an Observe plus what follows. Iterate `notifications` or listen to 'notification'. */
export class Observation extends EventEmitter<ObservationEvents> {
  private readonly queue: NotifyEvent[] = [];
  private waiting: ((r: IteratorResult<NotifyEvent>) => void)[] = [];
  private ended = false;
  /** Every notification received so far (not the first answer). */
  readonly received: NotifyEvent[] = [];

  constructor(
    readonly endpoint: string,
    readonly paths: Path[],
    /** The first answer (Observe registration). */
    readonly result: OpResult,
    private readonly cancelFn: () => Promise<void>,
  ) {
    super();
  }

  get code(): string {
    return this.result.code;
  }
  get records(): OpResult['records'] {
    return this.result.records;
  }
  get active(): boolean {
    return !this.ended;
  }

  /** Called by the server for each notification. */
  push(n: NotifyEvent): void {
    if (this.ended) return;
    this.received.push(n);
    this.emit('notification', n);
    const w = this.waiting.shift();
    if (w) w({ value: n, done: false });
    else this.queue.push(n);
  }

  /** Ends the iteration (cancel, error notification, or server close). */
  finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.emit('end');
    for (const w of this.waiting) w({ value: undefined, done: true });
    this.waiting = [];
  }

  /** Notifications until the observation ends. */
  get notifications(): AsyncIterable<NotifyEvent> {
    return {
      [Symbol.asyncIterator]: (): AsyncIterator<NotifyEvent> => ({
        next: (): Promise<IteratorResult<NotifyEvent>> => {
          const n = this.queue.shift();
          if (n) return Promise.resolve({ value: n, done: false });
          if (this.ended) return Promise.resolve({ value: undefined, done: true });
          return new Promise((resolve) => this.waiting.push(resolve));
        },
        return: (): Promise<IteratorResult<NotifyEvent>> => Promise.resolve({ value: undefined, done: true }),
      }),
    };
  }

  /** The next notification (waits at most timeoutMs; rejects on timeout or end). */
  next(timeoutMs = 10_000): Promise<NotifyEvent> {
    const n = this.queue.shift();
    if (n) return Promise.resolve(n);
    return new Promise((resolve, reject) => {
      if (this.ended) {
        reject(new Error('observation ended'));
        return;
      }
      const t = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== cb);
        reject(new Error(`no notification within ${timeoutMs} ms`));
      }, timeoutMs);
      const cb = (r: IteratorResult<NotifyEvent>): void => {
        clearTimeout(t);
        if (r.done === true) reject(new Error('observation ended'));
        else resolve(r.value);
      };
      this.waiting.push(cb);
    });
  }

  /** Cancels actively (GET/FETCH with Observe=1, same token), then forgets: later notifications get a RST. */
  async cancel(): Promise<void> {
    if (this.ended) return;
    this.finish();
    await this.cancelFn();
  }
}

/** Reads the Observe sequence number node-coap parsed, if any. */
export function observeSeq(stream: ObserveReadStream): number | undefined {
  const v = stream.headers.Observe;
  return typeof v === 'number' ? v : undefined;
}
