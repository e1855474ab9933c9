// fake.ts: an in-memory Transport that records what the endpoint sends, and manual timers for simulated time.
import type { PeerAddress, Transport, TransportEvent } from '../../../src/coap/transport.js';
import type { Clock } from '../../../src/clock.js';
import { parse, type ParsedPacket } from 'coap-packet';

export class FakeTransport implements Transport {
  readonly kind = 'udp' as const;
  readonly mtu = 1152;
  readonly sent: { data: Buffer; to: PeerAddress; at: number }[] = [];
  private listener: ((ev: TransportEvent) => void) | undefined;
  constructor(private readonly clock: () => number = () => 0) {}
  open(): Promise<void> { return Promise.resolve(); }
  close(): Promise<void> { return Promise.resolve(); }
  send(data: Uint8Array, to: PeerAddress): Promise<void> {
    this.sent.push({ data: Buffer.from(data), to, at: this.clock() });
    return Promise.resolve();
  }
  onEvent(l: (ev: TransportEvent) => void): void { this.listener = l; }
  /** Delivers a datagram to the endpoint as if it came from `from`. */
  deliver(data: Uint8Array, from: PeerAddress): void {
    this.listener?.({ type: 'message', data, from });
  }
  packets(): ParsedPacket[] {
    return this.sent.map((s) => parse(s.data));
  }
}

/** Clock on a manual clock: advance() fires due callbacks in time order. */
export class ManualTimers implements Clock {
  private t = 0;
  private seq = 0;
  private readonly due = new Map<number, { at: number; fn: () => void }>();
  now(): number { return this.t; }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.due.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(h: unknown): void { this.due.delete(h as number); }
  get pending(): number { return this.due.size; }
  /** Moves the clock forward, firing timers (and letting promise callbacks run between them). */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flush();
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.due) if (e[1].at <= end && (next === undefined || e[1].at < next[1].at)) next = e;
      if (next === undefined) break;
      this.due.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = end;
    await flush();
  }
}

export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
}
