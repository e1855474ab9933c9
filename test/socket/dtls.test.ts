// dtls.test.ts: socket.open with a PSK server target uses DTLS (the project's transport) against libcoap's
// GnuTLS server; a wrong key → network.error.
import test from 'ava';
import { InProcessActors } from '../support/in-process-actors.js';
import { socketActorModule } from '../../src/actors/socket.actor.js';
import { startLibcoapServer } from '../support/libcoap.js';
import type { CoapIncomingResponse } from '../../src/coap/api.js';
import type { ServerTarget } from '../../src/messages/index.js';

const KEY = 'secretPSK';

test('socket.open over DTLS-PSK, coap.send GET, close; a wrong key fails with a code', async (t) => {
  const srv = await startLibcoapServer('coap-server-gnutls', ['-k', KEY, '-h', 'CoAP']);
  const port = srv.port;
  const actors = new InProcessActors();
  try {
    await actors.start('socket', socketActorModule(), { objects: [] });
    const socket = actors.get('socket')!;
    const target = (key: string): ServerTarget => ({
      ssid: 101,
      uri: `coaps://127.0.0.1:${port + 1}`,
      host: '127.0.0.1',
      port: port + 1,
      security: 'psk',
      pskIdentity: 'meter-1',
      pskKey: Buffer.from(key).toString('base64'),
    });
    // the server has bound its DTLS port (startLibcoapServer): the first open must succeed
    t.deepEqual(await socket.receive({ type: 'socket.open', server: target(KEY) }), { ok: true });
    const res = (await socket.receive({ type: 'coap.send', req: { method: 'GET', path: [] } })) as CoapIncomingResponse;
    t.is(res.code, '2.05');
    t.regex(Buffer.from(res.payload).toString(), /libcoap/i);
    t.deepEqual(await socket.receive({ type: 'socket.close' }), { ok: true });
    const err = await t.throwsAsync(
      socket.receive({ type: 'socket.open', server: target('wrong-key') }) as Promise<unknown>,
    );
    t.regex(String((err as Error & { code?: string }).code), /DTLS|NETWORK/);
    t.deepEqual(socket.receive({ type: 'socket.state' }), { state: 'failed' });
    t.true(actors.captured.some((c) => c.kind === 'publish' && c.msg.type === 'network.error'));
  } finally {
    await actors.stopAll();
    await srv.stop();
  }
});
