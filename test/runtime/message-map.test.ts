// message-map.test.ts: the message map at compile time (tsc checks the @ts-expect-error lines: each must stay an
// error) and the boundary that refuses what an actor does not take.
import test from 'ava';
import { Runtime } from '../../src/runtime/runtime.js';
import { dispatch, unhandled } from '../../src/runtime/dispatch.js';
import type { ActorContext, ActorInstance, PluginActorContext } from '../../src/runtime/actor-api.js';
import type { ObjectRuntime } from '../../src/lwm2m/object-api.js';
import type { ModemStatusReply, ServerSettings } from '../../src/messages/index.js';
import type { OpResult } from '../../src/lwm2m/operations/types.js';
import type { SocketInbound } from '../../src/actors/socket.actor.js';
import type { ClientInbound } from '../../src/actors/client.actor.js';
import { CodedError } from '../../src/errors.js';
import { fixture, supervisor, tmpState } from './helpers.js';
import { immediateClock } from '../support/sim-timers.js';

/** Never called: its body is what tsc checks. */
export function typedAtCompileTime(
  ctx: ActorContext,
  plugin: PluginActorContext,
  rt: ObjectRuntime,
  socket: ActorInstance<SocketInbound>,
  client: ActorInstance<ClientInbound>,
): unknown[] {
  // a reply is typed from the message, with no type argument at the call site
  const read: Promise<OpResult> = ctx.request('object:3', { type: 'object.request', op: 'read', path: [3, 0, 0] });
  const settings: Promise<{ servers: ServerSettings[] }> = ctx.request('object:1', { type: 'server.settings' });
  const status: Promise<ModemStatusReply> = plugin.request('modem', { type: 'modem.status' });
  // @ts-expect-error a misspelt message type does not compile
  const misspelt = ctx.request('socket', { type: 'socket.opn' });
  // @ts-expect-error a request's fields are checked (socket.open needs its server)
  const noServer = ctx.request('socket', { type: 'socket.open' });
  const server = { ssid: 1, uri: 'coap://h', host: 'h', port: 5683, security: 'nosec' } as const;
  // @ts-expect-error send takes events only: socket.open is a request
  ctx.send('socket', { type: 'socket.open', server });
  // @ts-expect-error the reply of server.settings has no code
  const wrongReply: Promise<{ code: string }> = ctx.request('object:1', { type: 'server.settings' });
  // @ts-expect-error publish takes events only, and a misspelt one neither
  ctx.publish({ type: 'network.upp', bearer: 'host' });
  // the plugin API stays open to a plugin's own types ...
  plugin.send('object:32770', { type: 'my.tick', n: 1 });
  rt.emit('controller', { type: 'location.whatever' });
  // @ts-expect-error ... but a built-in type is checked there too (lwm2m.trigger needs trigger and ssid)
  rt.publish({ type: 'lwm2m.trigger' });
  // @ts-expect-error an actor's receive takes the messages it accepts only
  socket.receive({ type: 'meter.status' });
  // @ts-expect-error and their fields (network.error needs code, message, source)
  client.receive({ type: 'network.error' });
  return [read, settings, status, misspelt, noServer, wrongReply];
}

test('dispatch: accepted types reach receive, others receiveOther, else UNKNOWN_MESSAGE; a non-message is BAD_MESSAGE', (t) => {
  const got: string[] = [];
  const instance: ActorInstance = { receive: (m) => got.push(`receive ${m.type}`), stop: () => undefined };
  const target = { name: 'x', instance, accepts: new Set(['meter.status']) };
  dispatch(target, { type: 'meter.status' });
  t.throws(() => dispatch(target, { type: 'meter.reading' }), {
    instanceOf: CodedError,
    message: /x takes no message meter.reading/,
  });
  t.throws(() => dispatch(target, 'meter.status'), { instanceOf: CodedError, message: /string type/ });
  t.throws(() => dispatch(target, { type: 7 }), { instanceOf: CodedError, message: /string type/ });
  const other: ActorInstance = { ...instance, receiveOther: (m) => got.push(`other ${m.type}`) };
  dispatch({ ...target, instance: other }, { type: 'plugin.own' });
  dispatch({ ...target, accepts: undefined }, { type: 'anything' });
  t.deepEqual(got, ['receive meter.status', 'other plugin.own', 'receive anything']);
  t.throws(() => unhandled('x', { type: 'late' } as never), { message: /x takes no message late/ });
});

test('through the runtime: a request of a type the actor does not take is answered UNKNOWN_MESSAGE; a message of one is dropped, the actor lives on', async (t) => {
  const rt = new Runtime({
    actors: [{ name: 'typed', moduleUrl: fixture('typed.actor') }],
    placement: 'shared',
    supervisor,
    stateDir: tmpState(),
    clock: immediateClock(),
    logLevel: 'silent',
  });
  try {
    await rt.start();
    const err = await t.throwsAsync(rt.request('typed', { type: 'meter.nonsense' }));
    t.is((err as CodedError).code, 'UNKNOWN_MESSAGE');
    rt.send('typed', { type: 'meter.nonsense' });
    rt.send('typed', { type: 'meter.reading', snapshot: {} });
    t.deepEqual(await rt.request('typed', { type: 'meter.status' }), { readings: 1 });
  } finally {
    await rt.stop();
  }
});
