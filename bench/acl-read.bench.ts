// acl-read.bench.ts: Read of /3/0/0 over UDP loopback with one server account (no checks) and with two (Access Control
// enforced from the cached table).
import { InProcessActors } from '../test/support/in-process-actors.js';
import { objectActorModule } from '../src/actors/object.actor.js';
import { socketActorModule } from '../src/actors/socket.actor.js';
import { createDeviceObject } from '../src/objects/device.js';
import { createServerObject } from '../src/objects/server.js';
import { createAccessControlObject } from '../src/objects/access-control.js';
import { createUdpTransport, type UdpTransport } from '../src/coap/transports/udp.js';
import { figureLines, openReader, timeReads } from './support/coap-reader.js';

const N = Number(process.env.READS ?? 5000);
const WARMUP = 1000;

async function run(ssids: number[], as: number): Promise<void> {
  const servers = ssids.map((ssid, i) => ({ uri: `coap://s${i}.example:5683`, ssid }));
  const actors = new InProcessActors({ client: { servers }, device: { manufacturer: 'ACME' } });
  await actors.start('object:1', objectActorModule({ spec: createServerObject() }));
  await actors.start('object:2', objectActorModule({ spec: createAccessControlObject() }));
  await actors.start('object:3', objectActorModule({ spec: createDeviceObject({ version: '1.0.0' }) }));
  let transport: UdpTransport | undefined;
  await actors.start(
    'socket',
    socketActorModule({ transport: () => (transport = createUdpTransport({ host: '127.0.0.1', port: 0 })) }),
    { objects: [1, 2, 3] },
  );
  await actors.get('socket')!.receive({
    type: 'socket.open',
    server: { ssid: as, uri: 'coap://127.0.0.1:9', host: '127.0.0.1', port: 9, security: 'nosec' },
  });
  const reader = await openReader(transport!.address().port);
  const f = await timeReads(reader, N, WARMUP, (code, payload) => code === '2.05' && payload.toString() === 'ACME');
  process.stdout.write(
    [
      `read /3/0/0 as ssid ${as}, ${ssids.length} server account(s)${ssids.length > 1 ? ' (ACL enforced, table cached)' : ' (no checks)'}, ${N} reads`,
      ...figureLines(f, 'whole process, client included'),
      '',
    ].join('\n'),
  );
  reader.close();
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
