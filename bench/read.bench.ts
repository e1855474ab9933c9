// read.bench.ts: end-to-end Read of /3/0/0 over UDP loopback: reads/s, p50/p99 latency — in one thread, with the
// default placement, and per-actor (device CPU alone: read-process.bench.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Runtime } from '../src/runtime/runtime.js';
import { defaultConfig } from '../src/runtime/config.js';
import { InProcessActors } from '../test/support/in-process-actors.js';
import { objectActorModule } from '../src/actors/object.actor.js';
import { socketActorModule } from '../src/actors/socket.actor.js';
import { createDeviceObject } from '../src/objects/device.js';
import { createUdpTransport, type UdpTransport } from '../src/coap/transports/udp.js';
import { figureLines, openReader, timeReads } from './support/coap-reader.js';

const N = Number(process.env.READS ?? 5000);
const WARMUP = 1000;
const OPEN = {
  type: 'socket.open',
  server: { ssid: 101, uri: 'coap://127.0.0.1:9', host: '127.0.0.1', port: 9, security: 'nosec' },
};
const isAcme = (code: string, payload: Buffer): boolean => code === '2.05' && payload.toString() === 'ACME';

/** Socket and object actor in this very thread (no workers): the floor of the CoAP + object path. */
async function inThread(): Promise<void> {
  const actors = new InProcessActors({ device: { manufacturer: 'ACME' } });
  await actors.start('object:3', objectActorModule({ spec: createDeviceObject({ version: '1.0.0' }) }));
  let transport: UdpTransport | undefined;
  await actors.start(
    'socket',
    socketActorModule({ transport: () => (transport = createUdpTransport({ host: '127.0.0.1', port: 0 })) }),
    { objects: [3] },
  );
  await actors.get('socket')!.receive(OPEN);
  const reader = await openReader(transport!.address().port);
  const f = await timeReads(reader, N, WARMUP, isAcme);
  process.stdout.write(
    [
      `read /3/0/0 end to end over UDP loopback (socket + object actor in one thread, client in the same process), ${N} reads`,
      ...figureLines(f, 'whole process, client included'),
      `reads > 1 ms   ${f.slow}`,
      '',
    ].join('\n'),
  );

  // The object actor alone (no CoAP, no UDP): the share of the ObjectHost on the hot path.
  const obj = actors.get('object:3')!;
  const lat: number[] = [];
  for (let i = 0; i < N; i++) {
    const s = process.hrtime.bigint();
    await obj.receive({ type: 'object.request', op: 'read', path: [3, 0, 0] });
    lat.push(Number(process.hrtime.bigint() - s) / 1000);
  }
  lat.sort((a, b) => a - b);
  process.stdout.write(
    `object actor read alone: p50 ${lat[Math.floor(lat.length / 2)].toFixed(1)} µs, p99 ${lat[Math.floor(lat.length * 0.99)].toFixed(1)} µs\n`,
  );
  reader.close();
  await actors.stopAll();
}

/**
 * The same reads with socket and object:3 in worker threads: the default placement (one shared worker) and per-actor
 * (direct socket ↔ object channel).
 */
async function workers(placement: 'shared' | 'per-actor'): Promise<void> {
  const cfg = defaultConfig();
  const mod = (p: string): string => new URL(`../src/${p}`, import.meta.url).href;
  const rt = new Runtime({
    actors: [
      { name: 'socket', moduleUrl: mod('actors/socket.actor.js'), options: { objects: [3] } },
      { name: 'object:3', moduleUrl: mod('actors/object.actor.js'), options: { spec: 'objects/device.js' } },
      // a stand-in 'client' that takes the socket's lwm2m.server-activity messages (as the real client would)
      { name: 'client', moduleUrl: new URL('../test/runtime/fixtures/echo.actor.js', import.meta.url).href },
    ],
    placement,
    supervisor: cfg.supervisor,
    stateDir: mkdtempSync(join(tmpdir(), 'read-bench-')),
    fullConfig: cfg,
    logLevel: 'silent',
    directPairs: [
      ['socket', 'object:*'],
      ['client', 'socket'],
    ],
  });
  await rt.start();
  await rt.request('socket', OPEN);
  const addr = await rt.request<{ port: number }>('socket', { type: 'socket.address' });
  const reader = await openReader(addr.port);
  const f = await timeReads(reader, N, WARMUP);
  process.stdout.write(
    [
      placement === 'shared'
        ? `read /3/0/0 with the default placement (client on main thread, socket and object:3 sharing one worker), ${N} reads`
        : `read /3/0/0 per-actor placement (client on main thread, socket and object:3 in their own workers, direct channel), ${N} reads`,
      ...figureLines(f, 'process incl. workers and the load generator; the device alone: read-process.bench'),
      `reads > 1 ms   ${f.slow}`,
      '',
    ].join('\n'),
  );
  reader.close();
  await rt.stop();
}

await inThread();
await workers('shared');
await workers('per-actor');
