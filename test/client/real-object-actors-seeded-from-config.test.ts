// real-object-actors-seeded-from-config.test.ts: the client reads its PSK account from the real object:0 / object:1
// actors (seeded from config) and registers with their instances.
import test from 'ava';
import { objectActorModule } from '../../src/actors/object.actor.js';
import { clientActorModule, type ClientActorInstance } from '../../src/actors/client.actor.js';
import { createSecurityObject } from '../../src/objects/security.js';
import { createServerObject } from '../../src/objects/server.js';
import type { CoapOutgoingRequest } from '../../src/coap/api.js';
import type { ServerTarget } from '../../src/messages/index.js';
import { InProcessActors } from '../support/in-process-actors.js';
import { waitFor } from '../support/poll.js';

test('objects 0/1 seeded from client.servers → socket.open with DTLS-PSK, Register with </1/0>', async (t) => {
  const key = Buffer.from('0123456789abcdef').toString('base64');
  const client = {
    endpoint: 'meter-cfg',
    lifetime: 600,
    servers: [{ uri: 'coaps://127.0.0.1:5684', ssid: 7, security: 'psk', pskIdentity: 'meter-cfg', pskKey: key }],
  };
  const rt = new InProcessActors({ client, endpoint: 'top-level' });
  const opened: ServerTarget[] = [];
  const sent: CoapOutgoingRequest[] = [];
  rt.stub('socket', (msg) => {
    if (msg.type === 'socket.open') opened.push(msg.server as ServerTarget);
    if (msg.type === 'coap.send') {
      sent.push(msg.req as CoapOutgoingRequest);
      return { code: '2.01', locationPath: ['rd', 'abc'], payload: new Uint8Array(), token: new Uint8Array([1]) };
    }
    return { ok: true };
  });
  await rt.start('object:0', objectActorModule({ spec: createSecurityObject() }));
  await rt.start('object:1', objectActorModule({ spec: createServerObject() }));
  const c = (await rt.start(
    'client',
    clientActorModule({ config: { networkAtBoot: 'assume' } }),
    client,
  )) as ClientActorInstance;
  t.teardown(() => rt.stopAll());
  await waitFor(() => c.actor.getSnapshot().matches({ connected: 'registered' }), {
    timeoutMs: 1000,
    what: () => `registered, in ${JSON.stringify(c.actor.getSnapshot().value)}`,
  });
  t.true(c.actor.getSnapshot().matches({ connected: 'registered' }), JSON.stringify(c.actor.getSnapshot().value));
  t.like(opened[0], { ssid: 7, security: 'psk', pskIdentity: 'meter-cfg', pskKey: key, host: '127.0.0.1', port: 5684 });
  t.deepEqual(sent[0].query, ['ep=meter-cfg', 'lt=600', 'lwm2m=1.2', 'b=U']);
  const links = Buffer.from(sent[0].payload ?? []).toString();
  t.true(links.includes('</1/0>'), links);
  t.false(links.includes('</0'), links);
});
