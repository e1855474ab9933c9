// dtls-handshake.ts: measures the bytes of one full DTLS 1.2 PSK (CCM_8) handshake of our client with libcoap's GnuTLS
// server, counted datagram by datagram at a relay.
import { createSocket } from 'node:dgram';
import { startLibcoapServer, type LibcoapServer } from '../../test/support/libcoap.js';
import type { Datagram } from '../../src/modem/profiles/types.js';
import { ModemDtlsTransport } from '../../src/modem/modem-dtls-transport.js';
import type { DatagramBackend } from '../../src/modem/at-udp-socket.js';

export interface HandshakeBytes {
  datagrams: number;
  bytes: number;
  up: number;
  down: number;
}

/**
 * One handshake, counted where the modem would carry it (UDP payload bytes; add IP/UDP headers per datagram yourself).
 * Undefined when coap-server-gnutls is missing.
 */
export async function measureHandshake(identity = 'lwm2m-meter-0001'): Promise<HandshakeBytes | undefined> {
  let server: LibcoapServer;
  try {
    server = await startLibcoapServer('coap-server-gnutls', ['-k', 'benchkey']);
  } catch {
    return undefined;
  }
  const port = server.dtlsPort; // libcoap's servers take DTLS on -p port + 1
  const udp = createSocket('udp4');
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
  const counted = { datagrams: 0, up: 0, down: 0 };
  const dl: ((d: Datagram) => void)[] = [];
  udp.on('message', (data, rinfo) => {
    counted.datagrams++;
    counted.down += data.length;
    for (const l of dl) l({ data: new Uint8Array(data), from: { address: rinfo.address, port: rinfo.port } });
  });
  const backend: DatagramBackend = {
    mtu: 1280,
    send: (data, to) =>
      new Promise((resolve, reject) => {
        counted.datagrams++;
        counted.up += data.length;
        udp.send(data, to.port, to.address, (err) => (err ? reject(err) : resolve()));
      }),
    close: () => Promise.resolve(),
    onDatagram: (l) => {
      dl.push(l);
    },
    onError: () => undefined,
  };
  try {
    for (let attempt = 0; attempt < 10; attempt++) {
      counted.datagrams = 0;
      counted.up = 0;
      counted.down = 0;
      const t = new ModemDtlsTransport(backend, {
        server: { address: '127.0.0.1', port },
        pskIdentity: identity,
        pskKey: Buffer.from('benchkey').toString('base64'),
        handshakeTimeoutMs: 2000,
      });
      try {
        await t.open();
        const result = { ...counted, bytes: counted.up + counted.down };
        await t.close();
        return result;
      } catch {
        await new Promise((r) => setTimeout(r, 200)); // the server may still be starting
      }
    }
    return undefined;
  } finally {
    udp.close();
    await server.stop();
  }
}
