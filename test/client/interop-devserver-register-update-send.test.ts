// interop-devserver-register-update-send.test.ts: the client actor's Register / Update / Send / De-register over real
// UDP (node-coap) to the dev server.
import test from 'ava';
import type { Socket } from 'node:dgram';
import { Agent, createServer, type IncomingMessage } from 'coap';
import type { CoapIncomingResponse, CoapOutgoingRequest } from '../../src/coap/api.js';
import type { ServerTarget } from '../../src/messages/index.js';
import { startDevServer } from '../../src/devserver/server.js';
import { ClientHarness, nosecAccount } from '../support/client-fakes.js';

/** coap.send over node-coap (an independent stack), one socket for the whole session. */
function nodeCoapWire(agent: Agent) {
  return (req: CoapOutgoingRequest, server: ServerTarget): Promise<CoapIncomingResponse> =>
    new Promise((resolve, reject) => {
      const r = agent.request({
        host: server.host,
        port: server.port,
        method: req.method,
        pathname: '/' + req.path.join('/'),
        ...(req.query && req.query.length > 0 ? { query: req.query.join('&') } : {}),
        ...(req.contentFormat !== undefined ? { contentFormat: req.contentFormat } : {}),
      });
      r.on('response', (res: IncomingMessage) => {
        const loc = (res._packet.options ?? []).filter((o) => o.name === 'Location-Path').map((o) => String(o.value));
        resolve({
          code: res.code,
          payload: new Uint8Array(res.payload),
          token: new Uint8Array(res._packet.token ?? []),
          ...(loc.length > 0 ? { locationPath: loc } : {}),
        });
      });
      r.on('error', reject);
      r.on('timeout', reject);
      r.end(req.payload ? Buffer.from(req.payload) : undefined);
    });
}

test('register, update on trigger, Send and de-register reach an independent LwM2M server', async (t) => {
  const s = await startDevServer({ port: 0 });
  // one bound socket for the session (a bare Agent re-binds a new port when idle; the server knows the client by its
  // address)
  const local = createServer({ type: 'udp4' });
  await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', () => resolve()));
  const agent = new Agent({ socket: local._sock as Socket });
  t.teardown(async () => {
    agent.close();
    await new Promise<void>((resolve) => local.close(() => resolve()));
    await s.close();
  });
  const h = new ClientHarness({
    records: nosecAccount(0, `coap://127.0.0.1:${s.port}`, 1, { lifetime: 120 }),
    config: { endpoint: 'interop-meter', lwm2mVersion: '1.1' },
    wire: nodeCoapWire(agent),
  });
  const registered = s.waitFor('register');
  h.start();
  h.client.receive({ type: 'network.up', bearer: 'host' });
  const reg = await registered;
  await h.until(() => h.isRegistered());
  t.is(reg.endpoint, 'interop-meter');
  t.is(reg.lifetime, 120);
  t.is(reg.lwm2mVersion, '1.1');
  t.deepEqual(
    reg.links.map((l) => l.target).filter((x) => x !== '/'),
    ['/1', '/1/0', '/3/0'],
  );
  t.like(h.store.get('registration'), { location: reg.location.split('/').filter((x) => x !== '') });

  const updated = s.waitFor('update');
  h.client.receive({ type: 'lwm2m.trigger', trigger: 'update', ssid: 1 });
  t.is((await updated).endpoint, 'interop-meter');

  const sent = s.waitFor('send');
  const reply = await (h.client.receive({ type: 'lwm2m.send', records: [{ path: [3, 0, 9], value: 87 }] }) as Promise<{
    code: string;
  }>);
  t.is(reply.code, '2.04');
  const ev = await sent;
  t.is(ev.contentFormat, 112);
  t.deepEqual(
    ev.records.map((r) => [r.path.join('/'), r.value]),
    [['3/0/9', 87]],
  );

  const gone = s.waitFor('deregister');
  await h.client.stop();
  t.is((await gone).endpoint, 'interop-meter');
  t.is(s.registrations.size, 0);
});
