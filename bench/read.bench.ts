// read.bench.ts: end-to-end Read of /3/0/0 over UDP loopback: reads/s, p50/p99 latency, CPU per 1,000 reads (socket + object actors in-process).
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Runtime } from '../src/runtime/runtime.js';
import { defaultConfig } from '../src/runtime/config.js';
import { generate, parse } from 'coap-packet';
import { InProcessActors } from '../test/support/in-process-actors.js';
import { objectActorModule } from '../src/actors/object.actor.js';
import { socketActorModule } from '../src/actors/socket.actor.js';
import { createDeviceObject } from '../src/objects/device.js';
import { createUdpTransport, type UdpTransport } from '../src/coap/transports/udp.js';

const N = Number(process.env.READS ?? 5000);
const WARMUP = 1000;

async function main(): Promise<void> {
  const actors = new InProcessActors({ device: { manufacturer: 'ACME' } });
  await actors.start('object:3', objectActorModule({ spec: createDeviceObject({ version: '1.0.0' }) }));
  let transport: UdpTransport | undefined;
  await actors.start('socket', socketActorModule({ transport: () => (transport = createUdpTransport({ host: '127.0.0.1', port: 0 })) }), { objects: [3] });
  await actors.get('socket')!.receive({ type: 'socket.open', server: { ssid: 101, uri: 'coap://127.0.0.1:9', host: '127.0.0.1', port: 9, security: 'nosec' } });
  const port = transport!.address().port;

  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  let waiting: ((b: Buffer) => void) | undefined;
  sock.on('message', (b) => { const w = waiting; waiting = undefined; w?.(b); });
  let mid = 1;
  const path = ['3', '0', '0'].map((s) => ({ name: 'Uri-Path', value: Buffer.from(s) }));
  const readOnce = (): Promise<Buffer> => new Promise((resolve) => {
    waiting = resolve;
    mid = (mid + 1) & 0xffff;
    sock.send(generate({ messageId: mid, token: Buffer.from([mid >> 8, mid & 0xff]), code: 'GET', confirmable: true, options: path }), port, '127.0.0.1');
  });

  for (let i = 0; i < WARMUP; i++) await readOnce();
  const first = parse(await readOnce());
  if (first.code !== '2.05' || first.payload.toString() !== 'ACME') throw new Error(`unexpected answer ${first.code}`);

  const lat: number[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    const s = process.hrtime.bigint();
    await readOnce();
    lat.push(Number(process.hrtime.bigint() - s) / 1000);
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  lat.sort((a, b) => a - b);
  const q = (p: number): number => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
  const cpuMsPer1000 = (cpu.user + cpu.system) / 1000 / (N / 1000);
  process.stdout.write([
    `read /3/0/0 end to end over UDP loopback (socket + object actor in one thread, client in the same process), ${N} reads`,
    `reads/s        ${(N / wall).toFixed(0)}`,
    `p50 latency    ${q(0.5).toFixed(1)} µs`,
    `p99 latency    ${q(0.99).toFixed(1)} µs`,
    `CPU/1000 reads ${cpuMsPer1000.toFixed(1)} ms (whole process, client included)`,
    '',
  ].join('\n'));
  const slow = lat.filter((x) => x > 1000).length;
  process.stdout.write(`reads > 1 ms   ${slow}\n`);

  // The object actor alone (no CoAP, no UDP): the share of the ObjectHost on the hot path.
  const obj = actors.get('object:3')!;
  const lat2: number[] = [];
  for (let i = 0; i < N; i++) {
    const s = process.hrtime.bigint();
    await obj.receive({ type: 'object.request', op: 'read', path: [3, 0, 0] });
    lat2.push(Number(process.hrtime.bigint() - s) / 1000);
  }
  lat2.sort((a, b) => a - b);
  process.stdout.write(`object actor read alone: p50 ${lat2[Math.floor(lat2.length / 2)].toFixed(1)} µs, p99 ${lat2[Math.floor(lat2.length * 0.99)].toFixed(1)} µs\n`);
  sock.close();
  await actors.stopAll();
}

/** CPU per 1,000 round trips of the load generator alone, against a bare UDP echo socket (subtracted below to estimate the device's share). */
async function clientBaseline(): Promise<number> {
  const echo = createSocket('udp4');
  await new Promise<void>((r) => echo.bind(0, '127.0.0.1', () => r()));
  echo.on('message', (b, r) => echo.send(b, r.port, r.address));
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  let waiting: ((b: Buffer) => void) | undefined;
  sock.on('message', (b) => { const w = waiting; waiting = undefined; w?.(b); });
  const path = ['3', '0', '0'].map((x) => ({ name: 'Uri-Path', value: Buffer.from(x) }));
  let mid = 1;
  const once = (): Promise<Buffer> => new Promise((resolve) => {
    waiting = resolve;
    mid = (mid + 1) & 0xffff;
    sock.send(generate({ messageId: mid, token: Buffer.from([mid >> 8, mid & 0xff]), code: 'GET', confirmable: true, options: path }), echo.address().port, '127.0.0.1');
  });
  for (let i = 0; i < WARMUP; i++) await once();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < N; i++) parse(await once());
  const cpu = process.cpuUsage(cpu0);
  sock.close();
  echo.close();
  return (cpu.user + cpu.system) / 1000 / (N / 1000);
}

/** The same reads with socket and object:3 in worker threads: the default placement (one shared worker) and per-actor (direct socket ↔ object channel). */
async function workers(placement: 'shared' | 'per-actor', baselineMs: number): Promise<void> {
  const cfg = defaultConfig();
  const mod = (p: string): string => new URL(`../src/${p}`, import.meta.url).href;
  const rt = new Runtime({
    actors: [
      { name: 'socket', moduleUrl: mod('actors/socket.actor.js'), options: { objects: [3] } },
      { name: 'object:3', moduleUrl: mod('actors/object.actor.js'), options: { spec: 'objects/device.js' } },
      // a stand-in 'client' that takes the socket's lwm2m.server-activity messages (as the real client would)
      { name: 'client', moduleUrl: new URL('../test/runtime/fixtures/echo.actor.js', import.meta.url).href },
    ],
    placement, supervisor: cfg.supervisor, stateDir: mkdtempSync(join(tmpdir(), 'read-bench-')), fullConfig: cfg,
    logLevel: 'silent', directPairs: [['socket', 'object:*'], ['client', 'socket']],
  });
  await rt.start();
  await rt.request('socket', { type: 'socket.open', server: { ssid: 101, uri: 'coap://127.0.0.1:9', host: '127.0.0.1', port: 9, security: 'nosec' } });
  const addr = await rt.request<{ port: number }>('socket', { type: 'socket.address' });
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  let waiting: ((b: Buffer) => void) | undefined;
  sock.on('message', (b) => { const w = waiting; waiting = undefined; w?.(b); });
  let mid = 1;
  const path = ['3', '0', '0'].map((s) => ({ name: 'Uri-Path', value: Buffer.from(s) }));
  const readOnce = (): Promise<Buffer> => new Promise((resolve) => {
    waiting = resolve;
    mid = (mid + 1) & 0xffff;
    sock.send(generate({ messageId: mid, token: Buffer.from([mid >> 8, mid & 0xff]), code: 'GET', confirmable: true, options: path }), addr.port, '127.0.0.1');
  });
  for (let i = 0; i < WARMUP; i++) await readOnce();
  const first = parse(await readOnce());
  if (first.code !== '2.05') throw new Error(`unexpected answer ${first.code}`);
  const lat: number[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    const s = process.hrtime.bigint();
    await readOnce();
    lat.push(Number(process.hrtime.bigint() - s) / 1000);
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  lat.sort((a, b) => a - b);
  const q = (p: number): number => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
  process.stdout.write([
    placement === 'shared'
      ? `read /3/0/0 with the default placement (client on main thread, socket and object:3 sharing one worker), ${N} reads`
      : `read /3/0/0 per-actor placement (client on main thread, socket and object:3 in their own workers, direct channel), ${N} reads`,
    `reads/s        ${(N / wall).toFixed(0)}`,
    `p50 latency    ${q(0.5).toFixed(1)} µs`,
    `p99 latency    ${q(0.99).toFixed(1)} µs`,
    `CPU/1000 reads ${((cpu.user + cpu.system) / 1000 / (N / 1000)).toFixed(1)} ms (process incl. workers and client)`,
    `CPU/1000 reads ${((cpu.user + cpu.system) / 1000 / (N / 1000) - baselineMs).toFixed(1)} ms device share (minus the load generator's ${baselineMs.toFixed(1)} ms against a bare UDP echo)`,
    `reads > 1 ms   ${lat.filter((x) => x > 1000).length}`,
    '',
  ].join('\n'));
  sock.close();
  await rt.stop();
}

await main();
const baseline = await clientBaseline();
await workers('shared', baseline);
await workers('per-actor', baseline);
