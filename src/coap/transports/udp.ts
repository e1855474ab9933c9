// udp.ts: the UDP transport (node:dgram): bind address and port configurable, IPv4 or IPv6 by the bind address.
import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP, isIPv6 } from 'node:net';
import { CodedError } from '../../errors.js';
import type { PeerAddress, Transport, TransportEvent } from '../transport.js';

export interface UdpTransportOptions {
  /** Bind address (default '0.0.0.0'; '::' for IPv6, '127.0.0.1' for loopback only). */
  host?: string;
  /** Bind port (default 0: any free port). */
  port?: number;
  /** Largest datagram we send (default 1152, RFC 7252 §4.6). */
  mtu?: number;
}

export class UdpTransport implements Transport {
  readonly kind = 'udp' as const;
  readonly mtu: number;
  private sock: Socket | undefined;
  private readonly listeners: ((ev: TransportEvent) => void)[] = [];
  /** Host names we resolved, by 'ip|port': datagrams from there are reported as from the name the endpoint used. */
  private readonly aliases = new Map<string, string>();
  private readonly resolved = new Map<string, string>();
  /** The last peer address found to be an IP address (skips the check for the usual single server). */
  private lastIp: string | undefined;

  constructor(private readonly opts: UdpTransportOptions = {}) {
    this.mtu = opts.mtu ?? 1152;
  }

  private emit(ev: TransportEvent): void {
    for (const l of this.listeners) l(ev);
  }

  async open(): Promise<void> {
    if (this.sock !== undefined) return;
    const host = this.opts.host ?? '0.0.0.0';
    const s = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
    s.on('message', (msg, rinfo) => {
      const address = this.aliases.get(`${rinfo.address}|${rinfo.port}`) ?? rinfo.address;
      this.emit({
        type: 'message',
        data: new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength),
        from: { address, port: rinfo.port },
      });
    });
    s.on('error', (err) => this.emit({ type: 'error', code: 'NETWORK_ERROR', message: err.message }));
    await new Promise<void>((resolve, reject) => {
      const onErr = (err: Error): void =>
        reject(new CodedError('NETWORK_ERROR', `cannot bind UDP ${host}:${this.opts.port ?? 0}: ${err.message}`));
      s.once('error', onErr);
      s.bind(this.opts.port ?? 0, host, () => {
        s.off('error', onErr);
        resolve();
      });
    });
    this.sock = s;
  }

  /** The bound address (after open). */
  address(): PeerAddress {
    if (this.sock === undefined) throw new CodedError('SOCKET_CLOSED', 'UDP transport not open');
    const a = this.sock.address();
    return { address: a.address, port: a.port };
  }

  send(data: Uint8Array, to: PeerAddress): Promise<void> {
    const s = this.sock;
    if (s === undefined) return Promise.reject(new CodedError('SOCKET_CLOSED', 'UDP transport not open'));
    // An IP address goes straight out (one promise per datagram: this is every answer's path); a name is resolved once.
    if (to.address === this.lastIp || isIP(to.address) !== 0) {
      this.lastIp = to.address;
      return sendTo(s, data, to.port, to.address);
    }
    return this.resolve(to).then((ip) => sendTo(s, data, to.port, ip));
  }

  /** Resolves a host name once (the server's answers must come back under the same name the endpoint used). */
  private async resolve(to: PeerAddress): Promise<string> {
    const known = this.resolved.get(to.address);
    if (known !== undefined) return known;
    try {
      const { address } = await lookup(to.address, { family: isIPv6(this.opts.host ?? '0.0.0.0') ? 6 : 4 });
      this.resolved.set(to.address, address);
      this.aliases.set(`${address}|${to.port}`, to.address);
      return address;
    } catch (err) {
      throw new CodedError('NETWORK_ERROR', `cannot resolve ${to.address}: ${(err as Error).message}`);
    }
  }

  async close(): Promise<void> {
    const s = this.sock;
    if (s === undefined) return;
    this.sock = undefined;
    await new Promise<void>((r) => s.close(() => r()));
    this.emit({ type: 'close' });
  }

  onEvent(listener: (ev: TransportEvent) => void): void {
    this.listeners.push(listener);
  }
}

function sendTo(s: Socket, data: Uint8Array, port: number, ip: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    s.send(data, port, ip, (err) => (err ? reject(new CodedError('NETWORK_ERROR', err.message)) : resolve()));
  });
}

export function createUdpTransport(opts: UdpTransportOptions = {}): UdpTransport {
  return new UdpTransport(opts);
}
