// close-drain.test.ts: a socket.close that an Execute triggers (firmware Update, Reboot, Disable …) waits until
// that Execute's 2.04 has left; a pause for a dead link does not wait.
import test from 'ava';
import { Agent, request, type IncomingMessage } from 'coap';
import { socketActorModule } from '../../src/actors/socket.actor.js';
import { InProcessActors } from '../support/in-process-actors.js';
import { TestUdpTransport } from '../support/udp-transport.js';
import { quietPeriod, settledWithin } from '../support/poll.js';

const SERVER = { ssid: 1, uri: 'coap://127.0.0.1:5683', host: '127.0.0.1', port: 5683, security: 'nosec' as const };

/**
 * A socket actor on loopback UDP whose object:3 answers an Execute only after telling the socket to close (what the
 * client does on firmware.updating).
 */
async function setup(closeWith: { type: string; reason?: string }) {
  const actors = new InProcessActors({ coap: { closeDrainMs: 3000 } });
  let transport: TestUdpTransport | undefined;
  const closed: string[] = [];
  actors.stub('object:3', (m) => {
    if (m.type !== 'object.request') return undefined;
    // The close arrives while the Execute is still being answered (the object's reply comes after it).
    const closing = Promise.resolve(actors.get('socket')?.receive(closeWith)).then(() => {
      closed.push('closed');
    });
    return quietPeriod(30, 'the object replies only after the socket.close has reached the socket').then(() => {
      void closing;
      return { code: '2.04' };
    });
  });
  await actors.start('socket', socketActorModule({ transport: () => (transport = new TestUdpTransport()) }), {
    objects: [3],
  });
  await actors.get('socket')?.receive({ type: 'socket.open', server: SERVER });
  const port = transport?.port() ?? 0;
  const agent = new Agent({ type: 'udp4' });
  const execute = (path: string): Promise<string> =>
    settledWithin(
      new Promise<string>((resolve) => {
        const req = request({
          hostname: '127.0.0.1',
          port,
          method: 'POST',
          pathname: path,
          agent,
          confirmable: true,
          retrySend: 0,
        });
        req.on('response', (res: IncomingMessage) => {
          resolve(res.code);
        });
        req.on('error', () => {
          resolve('error');
        });
        req.end();
      }),
      2500,
      'no response',
    );
  return { actors, execute, closed, agent };
}

test('socket.close during an Execute: the 2.04 still reaches the server (node-coap), then the socket closes', async (t) => {
  const s = await setup({ type: 'socket.close' });
  t.teardown(async () => {
    s.agent.close();
    await s.actors.stopAll();
  });
  t.is(await s.execute('/3/0/4'), '2.04');
  t.deepEqual(s.closed, ['closed']);
  t.is(((await s.actors.get('socket')?.receive({ type: 'socket.state' })) as { state: string }).state, 'closed');
});

test('socket.pause for a dead link closes at once: no answer waits on it', async (t) => {
  const s = await setup({ type: 'socket.pause', reason: 'lte-down' });
  t.teardown(async () => {
    s.agent.close();
    await s.actors.stopAll();
  });
  t.is(await s.execute('/3/0/4'), 'no response');
  t.deepEqual(s.closed, ['closed']);
});
