// udp-transport.ts: a minimal loopback UDP Transport with send-loss injection (firmware and socket tests).
import { createSocket, type Socket } from 'node:dgram';
import type { PeerAddress, Transport, TransportEvent } from '../../src/coap/transport.js';

export class TestUdpTransport implements Transport {
  readonly kind = 'udp' as const;
  readonly mtu = 1152;
  private sock: Socket | undefined;
  private listeners: ((ev: TransportEvent) => void)[] = [];
  /** Datagrams to drop on send (by send index, 0-based), to simulate loss. */
  dropSends = new Set<number>();
  sends = 0;

  async open(): Promise<void> {
    const s = createSocket('udp4');
    s.on('message', (msg, rinfo) => {
      for (const l of this.listeners)
        l({ type: 'message', data: new Uint8Array(msg), from: { address: rinfo.address, port: rinfo.port } });
    });
    s.on('error', (err) => {
      for (const l of this.listeners) l({ type: 'error', code: 'NETWORK_ERROR', message: err.message });
    });
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    this.sock = s;
  }

  send(data: Uint8Array, to: PeerAddress): Promise<void> {
    const i = this.sends++;
    if (this.dropSends.has(i)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      if (this.sock === undefined) {
        reject(new Error('closed'));
        return;
      }
      this.sock.send(data, to.port, to.address, (err) => (err ? reject(err) : resolve()));
    });
  }

  /** The bound port (after open). */
  port(): number {
    return this.sock?.address().port ?? 0;
  }

  close(): Promise<void> {
    const s = this.sock;
    this.sock = undefined;
    return new Promise((r) => (s ? s.close(() => r()) : r()));
  }

  onEvent(listener: (ev: TransportEvent) => void): void {
    this.listeners.push(listener);
  }
}
