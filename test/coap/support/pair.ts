// pair.ts: test helpers: two of our endpoints on loopback UDP, and a payload maker.
import { createEndpoint, type CoapEndpointExt, type EndpointOptions } from '../../../src/coap/endpoint.js';
import { UdpTransport } from '../../../src/coap/transports/udp.js';
import type { PeerAddress } from '../../../src/coap/transport.js';

export interface UdpNode {
  transport: UdpTransport;
  endpoint: CoapEndpointExt;
  addr: PeerAddress;
}

export async function udpNode(opts: EndpointOptions = {}): Promise<UdpNode> {
  const transport = new UdpTransport({ host: '127.0.0.1', port: 0 });
  await transport.open();
  const endpoint = createEndpoint(transport, opts);
  return { transport, endpoint, addr: transport.address() };
}

export async function closeNode(n: UdpNode): Promise<void> {
  await n.endpoint.close();
  await n.transport.close();
}

export function bytes(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
export const str = (b: Uint8Array): string => new TextDecoder().decode(b);
