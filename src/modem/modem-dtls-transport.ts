// modem-dtls-transport.ts: DTLS-PSK over the modem's own UDP socket — node-dtls-client (which speaks only node:dgram)
// talks to a loopback relay that carries its records through the modem socket.
import { createSocket, type Socket } from 'node:dgram';
import type { PeerAddress, Transport, TransportEvent } from '../coap/transport.js';
import { createDtlsTransport, type DtlsTransport } from '../coap/transports/dtls.js';
import { CodedError } from '../errors.js';
import type { DatagramBackend } from './at-udp-socket.js';

export interface ModemDtlsOptions {
  /** The LwM2M server as CoAP names it (host and port of the coaps:// URI). */
  server: PeerAddress;
  pskIdentity: string;
  /** Base64 of the key bytes, as in the Security object. */
  pskKey: string;
  handshakeTimeoutMs?: number;
  /** See DtlsTransportOptions.idleRehandshakeMs. */
  idleRehandshakeMs?: number;
  /** Clock for the idle check (tests). */
  now?: () => number;
}

/** DTLS record overhead with TLS_PSK_WITH_AES_128_CCM_8: 13 header + 8 explicit nonce + 8 tag. */
const DTLS_OVERHEAD = 29;

/**
 * The relay binds 127.0.0.1 on an ephemeral port and forwards between the local DTLS socket (the latest local sender:
 * a re-handshake opens a new one) and the server through the modem. What crosses it either way is DTLS records only.
 */
export class ModemDtlsTransport implements Transport {
  readonly kind = 'dtls' as const;
  private relay: Socket | undefined;
  private dtls: DtlsTransport | undefined;
  private client: PeerAddress | undefined;
  private relayPeer: PeerAddress | undefined;
  private readonly listeners: ((ev: TransportEvent) => void)[] = [];

  constructor(
    private readonly backend: DatagramBackend,
    private readonly opts: ModemDtlsOptions,
  ) {
    backend.onDatagram((d) => {
      const r = this.relay;
      const c = this.client;
      // only the server's datagrams go to the DTLS socket
      if (r === undefined || c === undefined || d.from.port !== opts.server.port) return;
      r.send(d.data, c.port, c.address);
    });
    backend.onError((code, message) => this.emit({ type: 'error', code, message }));
  }

  get mtu(): number {
    return Math.min(this.dtls?.mtu ?? Infinity, this.backend.mtu - DTLS_OVERHEAD);
  }

  private emit(ev: TransportEvent): void {
    for (const l of this.listeners) l(ev);
  }

  async open(): Promise<void> {
    if (this.dtls !== undefined) return;
    const relay = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      relay.once('error', reject);
      relay.bind(0, '127.0.0.1', () => {
        relay.off('error', reject);
        resolve();
      });
    });
    relay.on('error', (err) =>
      this.emit({ type: 'error', code: 'NETWORK_ERROR', message: `modem DTLS relay: ${err.message}` }),
    );
    relay.on('message', (data, rinfo) => {
      this.client = { address: rinfo.address, port: rinfo.port };
      this.backend.send(new Uint8Array(data), this.opts.server).catch((err: unknown) => {
        const e = err instanceof CodedError ? err : new CodedError('NETWORK_ERROR', String(err));
        this.emit({ type: 'error', code: e.code, message: e.message });
      });
    });
    this.relay = relay;
    this.relayPeer = { address: '127.0.0.1', port: relay.address().port };
    const { server: _s, ...dtlsOpts } = this.opts;
    const dtls = createDtlsTransport({
      ...dtlsOpts,
      host: '127.0.0.1',
      port: this.relayPeer.port,
      // An idle re-handshake goes out on a new modem socket (new local port): a server that still holds the old
      // session for the old address would ignore a ClientHello from it. The relay follows the new DTLS socket.
      beforeRehandshake: () => this.backend.close().catch(() => undefined),
    });
    // Messages come from the server as the endpoint knows it, not from the relay.
    dtls.onEvent((ev) => this.emit(ev.type === 'message' ? { ...ev, from: { ...this.opts.server } } : ev));
    try {
      await dtls.open();
    } catch (err) {
      this.closeRelay();
      const e = err instanceof CodedError ? err : new CodedError('DTLS_HANDSHAKE_FAILED', String(err));
      throw new CodedError(
        e.code,
        e.message.replace(
          `127.0.0.1:${this.relayPeer.port}`,
          `${this.opts.server.address}:${this.opts.server.port} (modem socket)`,
        ),
      );
    }
    this.dtls = dtls;
  }

  send(data: Uint8Array, to: PeerAddress): Promise<void> {
    const d = this.dtls;
    const rp = this.relayPeer;
    if (d === undefined || rp === undefined)
      return Promise.reject(new CodedError('SOCKET_CLOSED', 'modem DTLS session not open'));
    if (to.port !== this.opts.server.port || to.address !== this.opts.server.address) {
      return Promise.reject(
        new CodedError(
          'NETWORK_ERROR',
          `DTLS session is with ${this.opts.server.address}:${this.opts.server.port}, not ${to.address}:${to.port}`,
        ),
      );
    }
    return d.send(data, rp);
  }

  private closeRelay(): void {
    const r = this.relay;
    this.relay = undefined;
    this.client = undefined;
    if (r !== undefined)
      try {
        r.close();
      } catch {
        /* already closed */
      }
  }

  async close(): Promise<void> {
    const d = this.dtls;
    this.dtls = undefined;
    if (d !== undefined) await d.close();
    this.closeRelay();
    await this.backend.close();
  }

  onEvent(listener: (ev: TransportEvent) => void): void {
    this.listeners.push(listener);
  }
}
