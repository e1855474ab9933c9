// lte-down-while-registering-machine-only.test.ts: the bare machine with .provide()d services: LTE lost mid-Register →
// paused, Register again on network.up.
import test from 'ava';
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import { clientMachine, type ClientEmitted } from '../../src/client/machine.js';
import { accountsFromRecords, type ServerAccount } from '../../src/client/accounts.js';
import type { RegisterResult } from '../../src/client/services.js';
import type { Lwm2mVersion } from '../../src/lwm2m/registration.js';
import { resolveClientConfig } from '../../src/client/config-schema.js';
import { nosecAccount } from '../support/client-fakes.js';

test('network.down during Register: the request is abandoned, the engine paused; network.up → Register', async (t) => {
  const clock = new SimulatedClock();
  let registers = 0;
  const pending: (() => void)[] = [];
  const machine = clientMachine.provide({
    actors: {
      loadState: fromPromise(() =>
        Promise.resolve({ accounts: accountsFromRecords(nosecAccount(0, 'coap://h:5683', 1)) }),
      ),
      openSocket: fromPromise(() => Promise.resolve()),
      register: fromPromise<RegisterResult, { account: ServerAccount; version: Lwm2mVersion }>(() => {
        registers++;
        // the first Register never gets an answer (the radio died); later ones succeed
        if (registers === 1) return new Promise<never>(() => pending.push(() => undefined));
        return Promise.resolve({
          location: ['rd', 'a'],
          lifetime: 300,
          binding: 'U',
          lwm2mVersion: '1.2',
          refreshedAt: 0,
        });
      }),
      reconnectModem: fromPromise(() => new Promise<void>(() => undefined)),
    },
  });
  const emitted: ClientEmitted[] = [];
  const actor = createActor(machine, { clock, input: { cfg: resolveClientConfig({ lteWaitS: 600 }) } });
  actor.on('*', (e) => emitted.push(e));
  actor.start();
  actor.send({ type: 'network.up' });
  await new Promise((r) => setImmediate(r));
  t.true(actor.getSnapshot().matches({ connected: { online: 'registering' } }));
  actor.send({ type: 'network.down', reason: 'no cell' });
  t.true(actor.getSnapshot().matches('lteDown'));
  t.deepEqual(emitted.at(-1), { type: 'socket.pause', reason: 'lte-down' });
  clock.increment(300_000);
  t.is(registers, 1, 'nothing retried while LTE is down');
  actor.send({ type: 'network.up' });
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  t.true(actor.getSnapshot().matches({ connected: 'registered' }), JSON.stringify(actor.getSnapshot().value));
  t.is(registers, 2);
  t.true(emitted.some((e) => e.type === 'socket.resume'));
  actor.stop();
});
