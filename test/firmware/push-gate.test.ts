// push-gate.test.ts: firmware blocks the transport tap streams to /5/0/0 pass the router's gate too: a stranger during
// a bootstrap session and a server without the Write right get 4.01; the allowed pusher gets 2.31.
import test from 'ava';
import { createSocket, type Socket } from 'node:dgram';
import { generate, parse } from 'coap-packet';
import { socketActorModule } from '../../src/actors/socket.actor.js';
import { firmwareActorModule } from '../../src/actors/firmware.actor.js';
import { objectActorModule } from '../../src/actors/object.actor.js';
import { createServerObject } from '../../src/objects/server.js';
import { createAccessControlObject } from '../../src/objects/access-control.js';
import { encodeBlock } from '../../src/coap/options.js';
import { InProcessActors } from '../support/in-process-actors.js';
import { tempDir } from './helpers.js';
import { TestUdpTransport } from '../support/udp-transport.js';

async function bound(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return s;
}

/** Sends the first 64-byte block of a package to /5/0/0 and resolves with the response code. */
function firstBlock(from: Socket, port: number, mid: number): Promise<string> {
  return new Promise((resolve) => {
    from.once('message', (buf) => resolve(parse(buf).code));
    from.send(
      generate({
        messageId: mid,
        token: Buffer.from([mid & 0xff]),
        code: 'PUT',
        confirmable: true,
        options: [
          ...['5', '0', '0'].map((v) => ({ name: 'Uri-Path' as const, value: Buffer.from(v) })),
          { name: 'Block1', value: encodeBlock({ num: 0, more: true, size: 64 }) },
        ],
        payload: Buffer.alloc(64, 7),
      }),
      port,
      '127.0.0.1',
    );
  });
}

test('tapped firmware blocks: bootstrap session from another sender 4.01; with two servers, one without W on /5/0 gets 4.01', async (t) => {
  const dir = await tempDir(t);
  const servers = [
    { uri: 'coap://a.example:5683', ssid: 101 },
    { uri: 'coap://b.example:5683', ssid: 102 },
  ];
  const actors = new InProcessActors({ stateDir: dir, firmware: { retryDelayMs: 0 }, client: { servers } });
  t.teardown(() => actors.stopAll());
  await actors.start('object:1', objectActorModule({ spec: createServerObject() }));
  await actors.start('object:2', objectActorModule({ spec: createAccessControlObject() }));
  await actors.start('object:5', firmwareActorModule());
  let transport: TestUdpTransport | undefined;
  await actors.start('socket', socketActorModule({ transport: () => (transport = new TestUdpTransport()) }), {
    objects: [1, 2, 5],
  });
  const pusher = await bound();
  const stranger = await bound();
  t.teardown(() => {
    pusher.close();
    stranger.close();
  });
  const open = async (ssid: number): Promise<number> => {
    const port = pusher.address().port;
    await actors.get('socket')!.receive({
      type: 'socket.open',
      server: { ssid, uri: `coap://127.0.0.1:${port}`, host: '127.0.0.1', port, security: 'nosec' },
    });
    return transport!.port();
  };

  let device = await open(0);
  t.is(await firstBlock(stranger, device, 1), '4.01', 'a stranger during the bootstrap session');
  device = await open(102);
  t.is(
    await firstBlock(pusher, device, 2),
    '4.01',
    'server 102 may read /5/0 but not write it (seeded: owner 101, default R)',
  );
  device = await open(101);
  t.is(await firstBlock(pusher, device, 3), '2.31', 'server 101 owns /5/0');
});
