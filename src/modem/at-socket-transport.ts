// at-socket-transport.ts: the CoAP Transport over the modem's own UDP socket (AT commands), same thread or via the
// modem actor.
import type { PeerAddress, Transport, TransportEvent } from '../coap/transport.js';
import { CodedError } from '../errors.js';
import type { DatagramBackend } from './at-udp-socket.js';
import type { Datagram } from './profiles/types.js';
import type { ModemSocketClose, ModemSocketError, ModemSocketRx, ModemSocketSend } from '../messages/index.js';

export class AtSocketTransport implements Transport {
  readonly kind = 'modem' as const;
  private listener: (ev: TransportEvent) => void = () => undefined;
  private isOpen = false;

  constructor(private readonly backend: DatagramBackend) {
    backend.onDatagram((d) => {
      if (this.isOpen) this.listener({ type: 'message', data: d.data, from: d.from });
    });
    backend.onError((code, message) => this.listener({ type: 'error', code, message }));
  }

  get mtu(): number {
    return this.backend.mtu;
  }

  /** The socket opens lazily on the first send (SIM7080 sockets are bound to one peer). */
  open(): Promise<void> {
    this.isOpen = true;
    return Promise.resolve();
  }

  async send(data: Uint8Array, to: PeerAddress): Promise<void> {
    if (!this.isOpen) throw new CodedError('SOCKET_CLOSED', 'modem transport is not open');
    await this.backend.send(data, to);
  }

  async close(): Promise<void> {
    if (!this.isOpen) return;
    this.isOpen = false;
    await this.backend.close();
    this.listener({ type: 'close' });
  }

  onEvent(listener: (ev: TransportEvent) => void): void {
    this.listener = listener;
  }
}

/**
 * A backend in another thread (the socket actor) that talks to the modem actor: requests 'modem.socket.send' / 'close';
 * the host feeds incoming 'modem.socket.rx' / 'modem.socket.error' messages to `deliver`.
 */
export function remoteModemBackend(
  request: (msg: ModemSocketSend | ModemSocketClose) => Promise<unknown>,
  mtu = 1024,
): DatagramBackend & { deliver(msg: ModemSocketRx | ModemSocketError): void } {
  const dl: ((d: Datagram) => void)[] = [];
  const el: ((code: string, message: string) => void)[] = [];
  return {
    mtu,
    async send(data, to) {
      await request({ type: 'modem.socket.send', data, to: { address: to.address, port: to.port } });
    },
    async close() {
      await request({ type: 'modem.socket.close' });
    },
    onDatagram(l) {
      dl.push(l);
    },
    onError(l) {
      el.push(l);
    },
    deliver(msg) {
      if (msg.type === 'modem.socket.rx') for (const l of dl) l({ data: msg.data, from: msg.from });
      else for (const l of el) l(msg.code, msg.message);
    },
  };
}
