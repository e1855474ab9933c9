// fake.ts: an in-memory Transport that records what the endpoint sends (the simulated clock is
// test/support/sim-timers.ts).
import type { PeerAddress, Transport, TransportEvent } from '../../../src/coap/transport.js';
import { parse, type ParsedPacket } from 'coap-packet';

export class FakeTransport implements Transport {
  readonly mtu = 1152;
  readonly sent: { data: Buffer; to: PeerAddress; at: number }[] = [];
  private listener: ((ev: TransportEvent) => void) | undefined;
  /** `kind`: the transport it stands for (the endpoint names the scheme from it). */
  constructor(
    private readonly clock: () => number = () => 0,
    readonly kind: Transport['kind'] = 'udp',
  ) {}
  open(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  send(data: Uint8Array, to: PeerAddress): Promise<void> {
    this.sent.push({ data: Buffer.from(data), to, at: this.clock() });
    return Promise.resolve();
  }
  onEvent(l: (ev: TransportEvent) => void): void {
    this.listener = l;
  }
  /** Delivers a datagram to the endpoint as if it came from `from`. */
  deliver(data: Uint8Array, from: PeerAddress): void {
    this.listener?.({ type: 'message', data, from });
  }
  packets(): ParsedPacket[] {
    return this.sent.map((s) => parse(s.data));
  }
}
