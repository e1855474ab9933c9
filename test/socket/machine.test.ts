// machine.test.ts: the socket's statechart on its own: which request moves it where, what the transport work
// (connect / disconnect) is given, and when network.error is reported.
import test from 'ava';
import { createActor, fromPromise } from 'xstate';
import { CodedError, type WireError } from '../../src/errors.js';
import { socketMachine, type ConnectInput, type DisconnectInput } from '../../src/socket/machine.js';
import type { ServerTarget } from '../../src/messages/index.js';

const target = (port: number): ServerTarget => ({
  ssid: 101,
  uri: `coap://127.0.0.1:${port}`,
  host: '127.0.0.1',
  port,
  security: 'nosec',
});

/** The machine with controllable transport work: each connect / disconnect waits until the test settles it. */
function rig() {
  const connects: { input: ConnectInput; resolve: () => void; reject: (e: unknown) => void }[] = [];
  const disconnects: { input: DisconnectInput; resolve: () => void }[] = [];
  const reported: WireError[] = [];
  const actor = createActor(
    socketMachine.provide({
      actors: {
        connect: fromPromise<void, ConnectInput>(
          ({ input }) => new Promise((resolve, reject) => connects.push({ input, resolve, reject })),
        ),
        disconnect: fromPromise<void, DisconnectInput>(
          ({ input }) => new Promise((resolve) => disconnects.push({ input, resolve })),
        ),
      },
      actions: {
        reportNetworkError: (_a, p: { error: WireError | undefined }) => {
          if (p.error) reported.push(p.error);
        },
      },
    }),
  );
  actor.start();
  const state = (): unknown => actor.getSnapshot().value;
  const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
  return { actor, connects, disconnects, reported, state, tick };
}

test('open → opening (connect gets the server and the attempt) → open; pause with drain → closing → paused; resume → open; close → closed', async (t) => {
  const r = rig();
  t.is(r.state(), 'closed');
  r.actor.send({ type: 'socket.open', server: target(5683) });
  t.is(r.state(), 'opening');
  t.is(r.connects.length, 1);
  t.deepEqual(r.connects[0].input, { server: target(5683), attempt: 1 });
  r.connects[0].resolve();
  await r.tick();
  t.is(r.state(), 'open');

  r.actor.send({ type: 'socket.pause', drain: true });
  t.is(r.state(), 'closing');
  t.deepEqual(r.disconnects[0].input, { drain: true });
  r.disconnects[0].resolve();
  await r.tick();
  t.is(r.state(), 'paused');

  r.actor.send({ type: 'socket.resume' });
  t.is(r.state(), 'opening');
  t.deepEqual(r.connects[1].input, { server: target(5683), attempt: 2 }, 'resume re-opens to the same server');
  r.connects[1].resolve();
  await r.tick();
  t.is(r.state(), 'open');

  r.actor.send({ type: 'socket.close' });
  t.is(r.state(), 'closing');
  t.deepEqual(r.disconnects[1].input, { drain: true }, 'close drains');
  r.disconnects[1].resolve();
  await r.tick();
  t.is(r.state(), 'closed');
  t.deepEqual(r.reported, []);
});

test('a pause because the link is down does not drain', async (t) => {
  const r = rig();
  r.actor.send({ type: 'socket.open', server: target(1) });
  r.connects[0].resolve();
  await r.tick();
  r.actor.send({ type: 'socket.pause', drain: false });
  t.deepEqual(r.disconnects[0].input, { drain: false });
});

test('a connect that fails → failed, the error recorded and reported once; a new open leaves failed', async (t) => {
  const r = rig();
  r.actor.send({ type: 'socket.open', server: target(1) });
  r.connects[0].reject(new CodedError('DTLS_HANDSHAKE_FAILED', 'key rejected', { cause: 'key-rejected' }));
  await r.tick();
  t.is(r.state(), 'failed');
  t.deepEqual(r.actor.getSnapshot().context.error, {
    code: 'DTLS_HANDSHAKE_FAILED',
    message: 'key rejected',
    details: { cause: 'key-rejected' },
  });
  t.deepEqual(
    r.reported.map((e) => e.code),
    ['DTLS_HANDSHAKE_FAILED'],
  );
  r.actor.send({ type: 'socket.open', server: target(2) });
  t.is(r.state(), 'opening');
  t.is(r.actor.getSnapshot().context.error, undefined);
  t.is(r.connects[1].input.server.port, 2);
});

test("the open transport failing → failed with network.error; failures while opening are the attempt's to report", async (t) => {
  const r = rig();
  r.actor.send({ type: 'socket.open', server: target(1) });
  r.actor.send({ type: 'socket.fail', error: { code: 'NETWORK_ERROR', message: 'early' } });
  t.is(r.state(), 'opening', 'a transport event while opening does not decide the attempt');
  r.connects[0].resolve();
  await r.tick();
  r.actor.send({ type: 'socket.fail', error: { code: 'NETWORK_ERROR', message: 'sendto ENETUNREACH' } });
  t.is(r.state(), 'failed');
  t.deepEqual(r.reported, [{ code: 'NETWORK_ERROR', message: 'sendto ENETUNREACH' }]);
  r.actor.send({ type: 'socket.fail', error: { code: 'NETWORK_ERROR', message: 'again' } });
  t.is(r.reported.length, 1, 'reported once per failure');
  r.actor.send({ type: 'socket.close' });
  t.is(r.state(), 'closing', 'the failed endpoint is still closed');
});

test("a newer open supersedes one under way (the old attempt's outcome is ignored); close while opening closes", async (t) => {
  const r = rig();
  r.actor.send({ type: 'socket.open', server: target(1) });
  r.actor.send({ type: 'socket.open', server: target(2) });
  t.is(r.connects.length, 2);
  t.is(r.actor.getSnapshot().context.attempt, 2);
  r.connects[0].reject(new Error('superseded'));
  await r.tick();
  t.is(r.state(), 'opening');
  t.deepEqual(r.reported, []);
  r.actor.send({ type: 'socket.close' });
  t.is(r.state(), 'closing');
  r.connects[1].resolve();
  r.disconnects[0].resolve();
  await r.tick();
  t.is(r.state(), 'closed');
});

test('resume: nothing to resume before a first open (guard hasServer); after a close it re-opens to the last server', async (t) => {
  const r = rig();
  r.actor.send({ type: 'socket.resume' });
  t.is(r.state(), 'closed');
  t.is(r.connects.length, 0);
  r.actor.send({ type: 'socket.open', server: target(7) });
  r.connects[0].resolve();
  await r.tick();
  r.actor.send({ type: 'socket.close' });
  r.disconnects[0].resolve();
  await r.tick();
  r.actor.send({ type: 'socket.resume' });
  t.is(r.state(), 'opening');
  t.is(r.connects[1].input.server.port, 7);
});
