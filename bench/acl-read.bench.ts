// acl-read.bench.ts: Read of /3/0/0 over UDP loopback with one server account (no checks) and with two (Access Control enforced from the cached table).
import { createSocket } from 'node:dgram';
import { generate, parse } from 'coap-packet';
import { InProcessActors } from '../test/support/in-process-actors.js';
import { objectActorModule } from '../src/actors/object.actor.js';
import { socketActorModule } from '../src/actors/socket.actor.js';
import { createDeviceObject } from '../src/objects/device.js';
import { createServerObject } from '../src/objects/server.js';
import { createAccessControlObject } from '../src/objects/access-control.js';
import { createUdpTransport, type UdpTransport } from '../src/coap/transports/udp.js';

const N = Number(process.env.READS ?? 5000);
const WARMUP = 1000;

async function run(ssids: number[], as: number): Promise<void> {
  const servers = ssids.map((ssid, i) => ({ uri: `coap://s${i}.example:5683`, ssid }));
  const actors = new InProcessActors({ client: { servers }, device: { manufacturer: 'ACME' } });
  await actors.start('object:1', objectActorModule({ spec: createServerObject() }));
  await actors.start('object:2', objectActorModule({ spec: createAccessControlObject() }));
  await actors.start('object:3', objectActorModule({ spec: createDeviceObject({ version: '1.0.0' }) }));
  let transport: UdpTransport | undefined;
  await actors.start('socket', socketActorModule({ transport: () => (transport = createUdpTransport({ host: '127.0.0.1', port: 0 })) }), { objects: [1, 2, 3] });
  await actors.get('socket')!.receive({ type: 'socket.open', server: { ssid: as, uri: 'coap://127.0.0.1:9', host: '127.0.0.1', port: 9, security: 'nosec' } });
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
  process.stdout.write([
    `read /3/0/0 as ssid ${as}, ${ssids.length} server account(s)${ssids.length > 1 ? ' (ACL enforced, table cached)' : ' (no checks)'}, ${N} reads`,
    `reads/s        ${(N / wall).toFixed(0)}`,
    `p50 latency    ${q(0.5).toFixed(1)} µs`,
    `p99 latency    ${q(0.99).toFixed(1)} µs`,
    `CPU/1000 reads ${((cpu.user + cpu.system) / 1000 / (N / 1000)).toFixed(1)} ms (whole process, client included)`,
    '',
  ].join('\n'));
  sock.close();
  await actors.get('socket')!.receive({ type: 'socket.close' });
  await actors.stopAll();
}

async function main(): Promise<void> {
  await run([101], 101);
  await run([101, 102], 102);
  await run([101], 101);
  await run([101, 102], 102);
}

await main();
