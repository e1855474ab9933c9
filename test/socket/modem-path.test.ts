// modem-path.test.ts: modem.dataPath modem-socket: the socket actor's CoAP goes through the modem actor's socket
// messages (a UDP stand-in for the modem's IP stack).
import test from 'ava';
import { createSocket } from 'node:dgram';
import { Agent, createServer, request, type IncomingMessage, type OutgoingMessage } from 'coap';
import { InProcessActors } from '../support/in-process-actors.js';
import { objectActorModule } from '../../src/actors/object.actor.js';
import { socketActorModule } from '../../src/actors/socket.actor.js';
import { createDeviceObject } from '../../src/objects/device.js';
import type { CoapIncomingResponse } from '../../src/coap/api.js';

test("coap.send and the server's reads travel as modem.socket.send / modem.socket.rx messages", async (t) => {
  const seen: string[] = [];
  const server = createServer({ type: 'udp4' });
  server.on('request', (req: IncomingMessage, res: OutgoingMessage) => {
    seen.push(`${req.method} ${req.url}`);
    res.code = '2.01';
    res.setOption('Location-Path', [Buffer.from('rd'), Buffer.from('m1')]);
    res.end();
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve((server as unknown as { _sock: { address(): { port: number } } })._sock.address().port),
    ),
  );

  const actors = new InProcessActors({ modem: { dataPath: 'modem-socket' }, device: { manufacturer: 'ACME' } });
  // The modem's own UDP socket: what an AT socket does on the module, here a loopback dgram socket.
  const modemUdp = createSocket('udp4');
  await new Promise<void>((r) => modemUdp.bind(0, '127.0.0.1', () => r()));
  const modemMsgs: string[] = [];
  modemUdp.on('message', (data, rinfo) => {
    void actors.get('socket')?.receive({
      type: 'modem.socket.rx',
      data: new Uint8Array(data),
      from: { address: rinfo.address, port: rinfo.port },
    });
  });
  actors.stub('modem', (m) => {
    modemMsgs.push(m.type);
    if (m.type === 'modem.socket.send') {
      const { data, to } = m as unknown as { data: Uint8Array; to: { address: string; port: number } };
      return new Promise<void>((resolve, reject) =>
        modemUdp.send(data, to.port, to.address, (err) => (err ? reject(err) : resolve())),
      );
    }
    return undefined;
  });
  await actors.start('object:3', objectActorModule({ spec: createDeviceObject({ version: '1.0.0' }) }));
  await actors.start('socket', socketActorModule(), { objects: [3] });
  const socket = actors.get('socket')!;
  t.deepEqual(
    await socket.receive({
      type: 'socket.open',
      server: { ssid: 101, uri: `coap://127.0.0.1:${port}`, host: '127.0.0.1', port, security: 'nosec' },
    }),
    { ok: true },
  );
  const reg = (await socket.receive({
    type: 'coap.send',
    req: { method: 'POST', path: ['rd'], query: ['ep=m1'] },
  })) as CoapIncomingResponse;
  t.is(reg.code, '2.01');
  t.is(seen[0], 'POST /rd?ep=m1');
  t.true(modemMsgs.includes('modem.socket.send'));

  const agent = new Agent({ type: 'udp4' });
  const got = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request({ hostname: '127.0.0.1', port: modemUdp.address().port, pathname: '/3/0/0', agent });
    req.on('response', resolve);
    req.on('error', reject);
    req.end();
  });
  t.is(got.code, '2.05');
  t.is(got.payload.toString(), 'ACME');

  await actors.stopAll();
  agent.close();
  modemUdp.close();
  await new Promise<void>((r) => server.close(() => r()));
});
