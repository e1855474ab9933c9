// datagram-transport.ts: the part of node:dgram's Socket a test server uses, so it can run on a plain UDP socket or on
// the DTLS-PSK server alike.
import type { RemoteInfo } from 'node:dgram';

export interface DatagramTransport {
  on(event: 'message', listener: (msg: Buffer, rinfo: RemoteInfo) => void): unknown;
  send(msg: Buffer, port: number, address: string): void;
  close(cb?: () => void): void;
  address(): { address: string; port: number };
  /** The URI scheme a client uses to reach it ('coaps' for DTLS); 'coap' when absent. */
  readonly scheme?: string;
}
