// observe.bench.ts: what an observation costs (heap per observation across endpoint, router, journal and object actor;
// RSS after 256 and after cancelling them) and Read latency while a server floods the device with Observes.
import { createSocket, type Socket } from 'node:dgram';
import { generate, parse } from 'coap-packet';
import { InProcessActors } from '../test/support/in-process-actors.js';
import { objectActorModule } from '../src/actors/object.actor.js';
import { socketActorModule } from '../src/actors/socket.actor.js';
import { createDeviceObject } from '../src/objects/device.js';
import { createUdpTransport, type UdpTransport } from '../src/coap/transports/udp.js';
import { openReader } from './support/coap-reader.js';

const OPEN = {
  type: 'socket.open',
  server: { ssid: 101, uri: 'coap://127.0.0.1:9', host: '127.0.0.1', port: 9, security: 'nosec' },
};
const PATHS = [
  ['3', '0', '0'],
  ['3', '0', '1'],
  ['3', '0', '2'],
  ['3', '0', '3'],
  ['3', '0', '13'],
  ['3', '0'],
];
const gc = (globalThis as { gc?: () => void }).gc;

/** A server socket that sends Observe registrations / cancels and waits for each answer (by token). */
async function observer(
  port: number,
): Promise<{ send(token: number, path: string[], observe: 0 | 1): Promise<Buffer>; close(): void; sock: Socket }> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const waiting = new Map<number, (b: Buffer) => void>();
  sock.on('message', (b) => {
    const p = parse(b);
    if (p.confirmable) sock.send(generate({ messageId: p.messageId, ack: true, code: '0.00' }), port, '127.0.0.1');
    if (p.token.length !== 4) return;
    const k = p.token.readUInt32BE(0);
    const w = waiting.get(k);
    waiting.delete(k);
    w?.(b);
  });
  let mid = 0;
  return {
    sock,
    send: (token, path, observe) =>
      new Promise((resolve) => {
        waiting.set(token, resolve);
        mid = (mid + 1) & 0xffff;
        const t = Buffer.alloc(4);
        t.writeUInt32BE(token);
        const options = [
          { name: 'Observe', value: observe === 0 ? Buffer.alloc(0) : Buffer.from([1]) },
          ...path.map((s) => ({ name: 'Uri-Path', value: Buffer.from(s) })),
        ];
        sock.send(generate({ messageId: mid, token: t, code: 'GET', confirmable: true, options }), port, '127.0.0.1');
      }),
    close: () => sock.close(),
  };
}

/** Heap after full GCs (the least of five samples: timers and log buffers come and go) and RSS. */
async function settle(): Promise<{ heap: number; rss: number }> {
  let heap = Infinity;
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 50));
    gc?.();
    heap = Math.min(heap, process.memoryUsage().heapUsed);
  }
  return { heap, rss: process.memoryUsage().rss };
}

async function start(maxObservations: number): Promise<{ actors: InProcessActors; port: number }> {
  const actors = new InProcessActors({ coap: { maxObservations } });
  await actors.start('object:3', objectActorModule({ spec: createDeviceObject({ version: '1.0.0' }) }));
  let transport: UdpTransport | undefined;
  await actors.start(
    'socket',
    socketActorModule({ transport: () => (transport = createUdpTransport({ host: '127.0.0.1', port: 0 })) }),
    { objects: [3] },
  );
  await actors.get('socket')!.receive(OPEN);
  return { actors, port: transport!.address().port };
}

/** Heap and RSS per observation: N registrations with fresh tokens (cap raised above N), then all cancelled. */
async function perObservation(n: number): Promise<void> {
  const { actors, port } = await start(4096);
  const obs = await observer(port);
  for (let i = 0; i < 32; i++) await obs.send(1_000_000 + i, PATHS[0], 1); // warm-up: plain GETs
  // Control: as many plain GETs (what any request leaves behind: the duplicate-detection cache keeps each reply).
  const control0 = await settle();
  for (let i = 0; i < n; i++) await obs.send(2_000_000 + i, PATHS[i % PATHS.length], 1);
  const control = await settle();
  const perRequest = (control.heap - control0.heap) / n;
  const before = control;
  let accepted = 0;
  for (let i = 0; i < n; i++)
    if (parse(await obs.send(i, PATHS[i % PATHS.length], 0)).options.some((o) => o.name === 'Observe')) accepted++;
  const held = await settle();
  // The in-memory store keeps a structured copy of the journal; on a device it is a file: weighed by dropping it
  // (the cancels below write the journal again).
  actors.storeOf('socket')?.delete('observations');
  const storeCopy = held.heap - (await settle()).heap;
  for (let i = 0; i < n; i++) await obs.send(i, PATHS[i % PATHS.length], 1);
  const after = await settle();
  const kib = (b: number): string => (b / 1024).toFixed(1);
  process.stdout.write(
    [
      `${n} observations (fresh tokens, ${PATHS.length} paths of /3), ${accepted} accepted; socket + object actor in this thread`,
      `heap per observation     ${kib((held.heap - before.heap - storeCopy) / n - perRequest)} KiB (target ≤ 2), beyond the ${kib(perRequest)} KiB any request leaves in the duplicate cache (capped at 1000 entries)`,
      `  + in-memory store copy ${kib(storeCopy / n)} KiB (the journal is a file on a device)`,
      `RSS                      ${kib(before.rss / 1024)} MiB before, +${kib((held.rss - before.rss) / 1024)} MiB holding them, +${kib((after.rss - before.rss) / 1024)} MiB after cancelling them`,
      `heap after cancelling    +${kib(after.heap - before.heap)} KiB`,
      '',
    ].join('\n'),
  );
  obs.close();
  await actors.stopAll();
}

/**
 * Read latency of /3/0/3 from one server socket while another floods Observes (default cap 64: most are plain reads).
 */
async function readDuringFlood(): Promise<void> {
  const { actors, port } = await start(64);
  const reader = await openReader(port, ['3', '0', '3']);
  const lat = async (n: number): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = process.hrtime.bigint();
      await reader.readOnce();
      out.push(Number(process.hrtime.bigint() - s) / 1000);
    }
    return out.sort((a, b) => a - b);
  };
  await lat(500);
  const quiet = await lat(2000);
  const obs = await observer(port);
  let stop = false;
  let sent = 0;
  const flood = async (w: number): Promise<void> => {
    for (let i = w; !stop; i += 16) {
      await obs.send(i, PATHS[i % PATHS.length], 0);
      sent++;
    }
  };
  const floods = Array.from({ length: 16 }, (_, w) => flood(w));
  const busy = await lat(2000);
  stop = true;
  await Promise.all(floods);
  const q = (l: number[], p: number): string => l[Math.min(l.length - 1, Math.floor(p * l.length))].toFixed(0);
  process.stdout.write(
    [
      'Read /3/0/3 latency, sequential, 2000 reads',
      `quiet                    p50 ${q(quiet, 0.5)} µs, p99 ${q(quiet, 0.99)} µs`,
      `during an Observe flood  p50 ${q(busy, 0.5)} µs, p99 ${q(busy, 0.99)} µs (16 Observes in flight, ${sent} sent meanwhile, cap 64)`,
      '',
    ].join('\n'),
  );
  reader.close();
  obs.close();
  await actors.stopAll();
}

if (!gc) process.stdout.write('(run with --expose-gc for heap figures)\n');
await perObservation(256);
await perObservation(1024);
await readDuringFlood();
