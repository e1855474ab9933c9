// resume-while-opening.test.ts: a resume that arrives while an open is under way answers with the newest
// attempt's outcome; it is a message from the client, and a rejection would fail the socket actor.
import test from 'ava';
import { InProcessActors } from '../support/in-process-actors.js';
import { socketActorModule } from '../../src/actors/socket.actor.js';
import { createUdpTransport } from '../../src/coap/transports/udp.js';
import type { Transport } from '../../src/coap/transport.js';

test('resume during an open, then a newer open: the first open is superseded (SOCKET_CLOSED), the resume answers ok with the newer one', async (t) => {
  const gates: (() => void)[] = [];
  const actors = new InProcessActors();
  await actors.start(
    'socket',
    socketActorModule({
      transport: (): Transport => {
        const udp = createUdpTransport({ host: '127.0.0.1', port: 0 });
        // each transport opens only when the test lets it
        return Object.assign(Object.create(udp) as Transport, {
          open: () => new Promise<void>((r) => gates.push(r)).then(() => udp.open()),
        });
      },
    }),
    { objects: [] },
  );
  const socket = actors.get('socket')!;
  const target = { ssid: 101, uri: 'coap://127.0.0.1:9', host: '127.0.0.1', port: 9, security: 'nosec' as const };
  const first = socket.receive({ type: 'socket.open', server: target }) as Promise<unknown>;
  const firstOutcome = first.then(
    () => 'ok',
    (e: { code?: string }) => e.code,
  );
  await new Promise((r) => setImmediate(r));
  const resumed = socket.receive({ type: 'socket.resume' }) as Promise<unknown>;
  const second = socket.receive({ type: 'socket.open', server: target }) as Promise<unknown>;
  await new Promise((r) => setImmediate(r));
  for (const g of gates) g();
  t.deepEqual(await second, { ok: true });
  t.deepEqual(await resumed, { ok: true });
  t.is(await firstOutcome, 'SOCKET_CLOSED');
  t.deepEqual(socket.receive({ type: 'socket.state' }), { state: 'open' });
  await actors.stopAll();
});
