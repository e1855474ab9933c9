// observe-composite-cap.test.ts: one Observe-Composite holds at most MAX_COMPOSITE_OBSERVE_PATHS paths (each one is an
// object actor observation); beyond it 4.00 and nothing is observed.
import test from 'ava';
import { createSocket } from 'node:dgram';
import { generate, parse, type ParsedPacket } from 'coap-packet';
import { InProcessActors } from '../support/in-process-actors.js';
import { objectActorModule } from '../../src/actors/object.actor.js';
import { socketActorModule } from '../../src/actors/socket.actor.js';
import { MAX_COMPOSITE_OBSERVE_PATHS } from '../../src/socket/observations.js';
import { createDeviceObject } from '../../src/objects/device.js';
import { createUdpTransport, type UdpTransport } from '../../src/coap/transports/udp.js';

test('Observe-Composite: MAX paths are observed, one more is refused with 4.00 and leaves no observation behind', async (t) => {
  const actors = new InProcessActors({});
  await actors.start('object:3', objectActorModule({ spec: createDeviceObject({ version: '1.0.0' }) }));
  let transport: UdpTransport | undefined;
  await actors.start(
    'socket',
    socketActorModule({ transport: () => (transport = createUdpTransport({ host: '127.0.0.1', port: 0 })) }),
    { objects: [3] },
  );
  await actors.get('socket')!.receive({
    type: 'socket.open',
    server: { ssid: 101, uri: 'coap://127.0.0.1:9', host: '127.0.0.1', port: 9, security: 'nosec' },
  });
  const port = transport!.address().port;
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const observe = (n: number, mid: number): Promise<ParsedPacket> =>
    new Promise((resolve) => {
      sock.once('message', (b) => resolve(parse(b)));
      const body = Buffer.from(JSON.stringify(Array.from({ length: n }, () => ({ n: '/3/0/0' }))));
      sock.send(
        generate({
          messageId: mid,
          token: Buffer.from([mid]),
          code: 'FETCH',
          confirmable: true,
          payload: body,
          options: [
            { name: 'Observe', value: Buffer.alloc(0) },
            { name: 'Content-Format', value: Buffer.from([110]) },
            { name: 'Accept', value: Buffer.from([110]) },
          ],
        }),
        port,
        '127.0.0.1',
      );
    });
  const over = await observe(MAX_COMPOSITE_OBSERVE_PATHS + 1, 1);
  t.is(over.code, '4.00');
  t.false(over.options.some((o) => o.name === 'Observe'));
  t.deepEqual(await actors.get('object:3')!.receive({ type: 'object.observations' }), { ids: [] });
  const ok = await observe(MAX_COMPOSITE_OBSERVE_PATHS, 2);
  t.is(ok.code, '2.05');
  t.true(ok.options.some((o) => o.name === 'Observe'));
  t.is(
    ((await actors.get('object:3')!.receive({ type: 'object.observations' })) as { ids: string[] }).ids.length,
    MAX_COMPOSITE_OBSERVE_PATHS,
  );
  sock.close();
  await actors.stopAll();
});
