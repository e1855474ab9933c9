// mute-send.test.ts: Mute Send (/1/x/23, seeded false) written true by the server → Send refused with SEND_MUTED and nothing posted (the caller keeps its data); false again → Send goes out.
import test from 'ava';
import { objectActorModule } from '../../src/actors/object.actor.js';
import { clientActorModule, type ClientActorInstance } from '../../src/actors/client.actor.js';
import { createSecurityObject } from '../../src/objects/security.js';
import { createServerObject } from '../../src/objects/server.js';
import type { CoapOutgoingRequest } from '../../src/coap/api.js';
import type { CodedError } from '../../src/errors.js';
import { InProcessActors } from '../support/in-process-actors.js';
import { waitFor } from '../support/poll.js';

test('Send honours Mute Send (/1/x/23), read live from object 1', async (t) => {
  const client = { endpoint: 'mute-1', servers: [{ uri: 'coap://127.0.0.1:5683', ssid: 5 }] };
  const rt = new InProcessActors({ client });
  const posted: CoapOutgoingRequest[] = [];
  rt.stub('socket', (msg) => {
    if (msg.type !== 'coap.send') return { ok: true };
    const req = msg.req as CoapOutgoingRequest;
    if (req.path[0] === 'dp') posted.push(req);
    return { code: req.path[0] === 'rd' && req.method === 'POST' && req.path.length === 1 ? '2.01' : '2.04', locationPath: ['rd', 'm'], payload: new Uint8Array(), token: new Uint8Array([1]) };
  });
  await rt.start('object:0', objectActorModule({ spec: createSecurityObject() }));
  const srv = await rt.start('object:1', objectActorModule({ spec: createServerObject() }));
  const c = await rt.start('client', clientActorModule({ config: { networkAtBoot: 'assume' } }), client) as ClientActorInstance;
  t.teardown(() => rt.stopAll());
  await waitFor(() => c.actor.getSnapshot().matches({ connected: 'registered' }), { timeoutMs: 1000, what: () => `registered, in ${JSON.stringify(c.actor.getSnapshot().value)}` });
  t.true(c.actor.getSnapshot().matches({ connected: 'registered' }), JSON.stringify(c.actor.getSnapshot().value));

  const read = (await srv.receive({ type: 'object.request', op: 'read', path: [1, 0, 23], accept: 0 })) as { code: string; payload?: Uint8Array };
  t.is(read.code, '2.05');
  t.is(Buffer.from(read.payload ?? []).toString(), '0', 'seeded present and false: Send active');

  const send = (): Promise<{ code: string }> => c.receive({ type: 'lwm2m.send', records: [{ path: [3, 0, 9], value: 87 }] }) as Promise<{ code: string }>;
  t.like(await send(), { code: '2.04' });
  t.is(posted.length, 1);

  const mute = async (v: boolean): Promise<void> => {
    const w = (await srv.receive({ type: 'object.request', op: 'write', path: [1, 0, 23], format: 0, payload: new Uint8Array(Buffer.from(v ? '1' : '0')) })) as { code: string };
    t.is(w.code, '2.04');
  };
  await mute(true);
  const err = await t.throwsAsync(send());
  t.is((err as CodedError | undefined)?.code, 'SEND_MUTED');
  t.is(posted.length, 1, 'nothing posted while muted');

  await mute(false);
  t.like(await send(), { code: '2.04' });
  t.is(posted.length, 2);
});
