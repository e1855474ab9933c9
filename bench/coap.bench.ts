// coap.bench.ts: CoAP endpoint figures on loopback: requests/s and p50/p99 round trip over UDP (our server, libcoap's)
// and DTLS-PSK (libcoap GnuTLS), and the codec rates (coap-packet parse / generate, our encodeMessage).
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { generate, parse } from 'coap-packet';
import { encodeMessage } from '../src/coap/encode.js';
import { createEndpoint, type CoapEndpointExt } from '../src/coap/endpoint.js';
import { uintBuf } from '../src/coap/options.js';
import type { PeerAddress, Transport } from '../src/coap/transport.js';
import { createDtlsTransport } from '../src/coap/transports/dtls.js';
import { UdpTransport } from '../src/coap/transports/udp.js';

const N = Number(process.env.COAP_BENCH_N ?? 3000);

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function measure(
  name: string,
  ep: CoapEndpointExt,
  to: PeerAddress,
  path: string[],
  n: number,
  parallel: number,
): Promise<void> {
  for (let i = 0; i < 50; i++) await ep.request(to, { method: 'GET', path }); // warm-up
  const rtts: number[] = [];
  const t0 = process.hrtime.bigint();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      next++;
      const s = process.hrtime.bigint();
      const r = await ep.request(to, { method: 'GET', path });
      if (!r.code.startsWith('2.')) throw new Error(`${name}: ${r.code}`);
      rtts.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  rtts.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(46)} ${String(Math.round(n / secs)).padStart(6)} req/s   p50 ${pct(rtts, 0.5).toFixed(3)} ms   p99 ${pct(rtts, 0.99).toFixed(3)} ms   (n=${n}, parallel=${parallel})`,
  );
}

async function freePortPair(): Promise<number> {
  for (;;) {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    const p = s.address().port;
    await new Promise<void>((r) => s.close(() => r()));
    const s2 = createSocket('udp4');
    const ok = await new Promise<boolean>((r) => {
      s2.once('error', () => r(false));
      s2.bind(p + 1, '127.0.0.1', () => r(true));
    });
    if (ok) {
      await new Promise<void>((r) => s2.close(() => r()));
      return p;
    }
  }
}

async function udpNode(params = {}): Promise<{ t: UdpTransport; ep: CoapEndpointExt; addr: PeerAddress }> {
  const t = new UdpTransport({ host: '127.0.0.1', port: 0 });
  await t.open();
  return { t, ep: createEndpoint(t, { params }), addr: t.address() };
}

async function withServer(bin: string, args: string[], fn: () => Promise<void>): Promise<void> {
  let child: ChildProcess | undefined;
  try {
    child = spawn(bin, args, { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 300));
    await fn();
  } catch (err) {
    console.log(`${bin}: skipped (${(err as Error).message})`);
  } finally {
    child?.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  // Our client → our server.
  const server = await udpNode();
  server.ep.handle(() => ({ code: '2.05', contentFormat: 0, payload: Buffer.from('12.5') }));
  const client = await udpNode({ nstart: 1 });
  await measure('UDP ours→ours, NSTART 1', client.ep, server.addr, ['3', '0', '0'], N, 1);
  const client4 = await udpNode({ nstart: 8 });
  await measure('UDP ours→ours, NSTART 8', client4.ep, server.addr, ['3', '0', '0'], N, 8);

  // Our client → libcoap's server (NoSec), then DTLS-PSK (CCM_8) to the GnuTLS build.
  const port = await freePortPair();
  await withServer('coap-server-gnutls', ['-A', '127.0.0.1', '-p', String(port), '-k', 'benchkey'], async () => {
    await measure('UDP ours→coap-server-gnutls (NoSec)', client.ep, { address: '127.0.0.1', port }, ['time'], N, 1);
    const dt: Transport & { server: PeerAddress; open(): Promise<void> } = createDtlsTransport({
      host: '127.0.0.1',
      port: port + 1,
      pskIdentity: 'bench',
      pskKey: Buffer.from('benchkey'),
      handshakeTimeoutMs: 5000,
    });
    const h0 = process.hrtime.bigint();
    await dt.open();
    console.log(
      `${'DTLS PSK CCM_8 handshake (GnuTLS)'.padEnd(46)} ${(Number(process.hrtime.bigint() - h0) / 1e6).toFixed(1)} ms`,
    );
    const dep = createEndpoint(dt);
    await measure('DTLS ours→coap-server-gnutls', dep, dt.server, ['time'], Math.min(N, 2000), 1);
    await dep.close();
    await dt.close();
  });

  // coap-packet codec.
  const pkt = {
    code: '2.05',
    messageId: 1234,
    token: Buffer.from([1, 2, 3, 4]),
    ack: true,
    options: [
      { name: 'Content-Format', value: uintBuf(112) },
      { name: 'Observe', value: uintBuf(77) },
    ],
    payload: Buffer.alloc(64, 0x41),
  };
  const buf = generate(pkt);
  const M = 200_000;
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < M; i++) parse(buf);
  const parseRate = M / (Number(process.hrtime.bigint() - t0) / 1e9);
  t0 = process.hrtime.bigint();
  for (let i = 0; i < M; i++) generate(pkt);
  const genRate = M / (Number(process.hrtime.bigint() - t0) / 1e9);
  t0 = process.hrtime.bigint();
  for (let i = 0; i < M; i++) encodeMessage(pkt);
  const encRate = M / (Number(process.hrtime.bigint() - t0) / 1e9);
  console.log(`${'coap-packet parse (2 options, 64 B payload)'.padEnd(46)} ${Math.round(parseRate)} /s`);
  console.log(`${'coap-packet generate (same packet)'.padEnd(46)} ${Math.round(genRate)} /s`);
  console.log(`${'our encodeMessage (same packet, what we send)'.padEnd(46)} ${Math.round(encRate)} /s`);

  for (const n of [server, client, client4]) {
    await n.ep.close();
    await n.t.close();
  }
}

await main();
