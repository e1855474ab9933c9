// free-port.ts: loopback UDP port numbers for external servers that need one on their command line, and a wait until a
// port is bound.
import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { waitFor } from './poll.js';

/** A UDP port that was free a moment ago (for servers that need a number). */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Two consecutive free UDP ports p, p+1 (libcoap's servers listen for DTLS on -p port + 1). */
export async function freeUdpPortPair(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const p = await freeUdpPort();
    if (p >= 65534) continue;
    const s = createSocket('udp4');
    const ok = await new Promise<boolean>((r) => {
      s.once('error', () => r(false));
      s.bind(p + 1, '127.0.0.1', () => r(true));
    });
    if (ok) {
      await new Promise<void>((r) => s.close(() => r()));
      return p;
    }
  }
  throw new Error('no free port pair');
}

/** True when some process has a UDP socket bound to `port` (IPv4 or IPv6), from /proc/net/udp{,6}. */
export async function udpPortBound(port: number): Promise<boolean> {
  const suffix = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const f of ['/proc/net/udp', '/proc/net/udp6']) {
    const table = await readFile(f, 'utf8').catch(() => '');
    // the second column is local_address:port
    if (table.split('\n').some((l) => l.trim().split(/\s+/)[1]?.endsWith(suffix) === true)) return true;
  }
  return false;
}

/** Waits until every port in `ports` is bound (a server started with that port is receiving from then on). */
export async function waitUntilBound(ports: number[], timeoutMs = 10_000): Promise<void> {
  await waitFor(async () => (await Promise.all(ports.map(udpPortBound))).every(Boolean), {
    timeoutMs,
    what: `UDP port(s) ${ports.join(', ')} bound`,
  });
}
