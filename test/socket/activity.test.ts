// activity.test.ts: the router reports server activity to the client at most once per interval per server, not
// once per request.
import test from 'ava';
import { SocketRouter } from '../../src/socket/router.js';
import { InProcessActors } from '../support/in-process-actors.js';

test('lwm2m.server-activity: first request reported, the next ones within a second not, a new second or a new server again', async (t) => {
  const actors = new InProcessActors();
  actors.stub('object:3', () => ({ code: '2.05', contentFormat: 0, payload: new Uint8Array([0x41]) }));
  let now = 10_000;
  let ssid = 101;
  const router = new SocketRouter(actors.context('socket', {}), {
    objects: () => [3],
    ssid: () => ssid,
    now: () => now,
  });
  const read = (): Promise<unknown> =>
    router.handle({ method: 'GET', path: ['3', '0', '0'], query: [], options: [] } as never, {
      acceptObserve: () => {
        throw new Error('no observe');
      },
    });
  const activity = (): number =>
    actors.captured.filter((c) => c.to === 'client' && c.msg.type === 'lwm2m.server-activity').length;
  await read();
  await read();
  now += 999;
  await read();
  await new Promise((r) => setImmediate(r));
  t.is(activity(), 1);
  now += 1;
  await read();
  ssid = 102;
  await read();
  await new Promise((r) => setImmediate(r));
  t.is(activity(), 3);
});
