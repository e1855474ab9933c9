// bootstrap.test.ts: bootstrap semantics through the socket actor: Bootstrap-Discover, Delete '/', Write to 0
// and 1, Finish (POST /bs) to the client.
import test from 'ava';
import { createSocket } from 'node:dgram';
import { Agent, request, type IncomingMessage, type OutgoingMessage } from 'coap';
import { InProcessActors } from '../support/in-process-actors.js';
import { nodeCoapEndpoint, nullTransport } from '../support/node-coap-endpoint.js';
import { objectActorModule } from '../../src/actors/object.actor.js';
import { socketActorModule } from '../../src/actors/socket.actor.js';
import { createSecurityObject } from '../../src/objects/security.js';
import { createServerObject } from '../../src/objects/server.js';
import { createDeviceObject } from '../../src/objects/device.js';
import { ContentFormat } from '../../src/lwm2m/types.js';
import { encode, untypedContext } from '../../src/lwm2m/formats/index.js';
import type { CoapMethod } from '../../src/coap/api.js';

test('bootstrap server: discover, delete all, write security and server, finish', async (t) => {
  const config = {
    client: {
      servers: [
        { uri: 'coap://bs.example:5683', bootstrap: true },
        { uri: 'coap://old.example:5683', ssid: 5 },
      ],
    },
  };
  const actors = new InProcessActors(config);
  let finished = 0;
  actors.stub('client', (m) => {
    if (m.type === 'lwm2m.bootstrap-finish') {
      finished++;
      return { code: '2.04' };
    }
    return undefined;
  });
  await actors.start('object:0', objectActorModule({ spec: createSecurityObject() }));
  await actors.start('object:1', objectActorModule({ spec: createServerObject() }));
  await actors.start('object:3', objectActorModule({ spec: createDeviceObject({ version: '1' }) }));
  const { endpoint, ready } = nodeCoapEndpoint();
  await actors.start('socket', socketActorModule({ transport: () => nullTransport(), endpoint: () => endpoint }), {
    objects: [0, 1, 3],
  });
  // The bootstrap interface is honoured from the bootstrap server's address only: the client agent sends from there.
  const bsSocket = createSocket('udp4');
  await new Promise<void>((resolve) => bsSocket.bind(0, '127.0.0.1', resolve));
  await actors.get('socket')!.receive({
    type: 'socket.open',
    server: {
      ssid: 0,
      uri: 'coap://bs.example:5683',
      host: '127.0.0.1',
      port: bsSocket.address().port,
      security: 'nosec',
    },
  });
  const port = await ready;
  const agent = new Agent({ socket: bsSocket });
  const call = (
    method: CoapMethod,
    path: string,
    o: { accept?: number; format?: number; payload?: Uint8Array } = {},
  ): Promise<{ code: string; text: string }> =>
    new Promise((resolve, reject) => {
      const req: OutgoingMessage = request({ hostname: '127.0.0.1', port, method, pathname: path, agent });
      if (o.accept !== undefined) req.setOption('Accept', o.accept);
      if (o.format !== undefined) req.setOption('Content-Format', o.format);
      req.on('response', (res: IncomingMessage) => resolve({ code: res.code, text: res.payload.toString() }));
      req.on('error', reject);
      req.end(o.payload ? Buffer.from(o.payload) : undefined);
    });

  const d = await call('GET', '/', { accept: ContentFormat.LINK });
  t.is(d.code, '2.05');
  t.true(
    d.text.startsWith(
      '</>;lwm2m=1.2,</0>;ver=1.1,</0/0>;uri="coap://bs.example:5683",</0/1>;ssid=5;uri="coap://old.example:5683",</1>;ver=1.1,</1/0>;ssid=5,</3>;ver=1.1,</3/0>',
    ),
    d.text,
  );

  t.is((await call('DELETE', '/')).code, '2.02');
  const after = await call('GET', '/', { accept: ContentFormat.LINK });
  t.false(after.text.includes('</0/1>'), 'server account deleted');
  t.true(after.text.includes('</0/0>'), 'bootstrap account kept');
  t.false(after.text.includes('</1/0>'));

  const sec = encode(
    ContentFormat.SENML_JSON,
    [
      { path: [0, 1, 0], value: 'coap://new.example:5683' },
      { path: [0, 1, 1], value: false },
      { path: [0, 1, 2], value: 3 },
      { path: [0, 1, 10], value: 9 },
    ],
    untypedContext([0, 1]),
  );
  t.is((await call('PUT', '/0/1', { format: ContentFormat.SENML_JSON, payload: sec })).code, '2.04');
  const srv = encode(
    ContentFormat.SENML_JSON,
    [
      { path: [1, 0, 0], value: 9 },
      { path: [1, 0, 1], value: 120 },
      { path: [1, 0, 6], value: true },
      { path: [1, 0, 7], value: 'U' },
    ],
    untypedContext([1, 0]),
  );
  t.is(
    (await call('PUT', '/1/0', { format: ContentFormat.SENML_JSON, payload: srv })).code,
    '2.04',
    'bootstrap writes read-only /1/0/0 and creates the instance',
  );
  const targets = (await actors.get('object:0')!.receiveOther!({ type: 'security.targets' })) as {
    targets: { ssid: number; uri: string }[];
  };
  t.deepEqual(
    targets.targets.map((x) => [x.ssid, x.uri]),
    [
      [0, 'coap://bs.example:5683'],
      [9, 'coap://new.example:5683'],
    ],
  );
  t.is((await call('POST', '/bs')).code, '2.04');
  t.is(finished, 1);
  await actors.stopAll();
  agent.close();
  try {
    bsSocket.close();
  } catch {
    /* the agent closed it */
  }
});
