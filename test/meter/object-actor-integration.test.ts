// object-actor-integration.test.ts: object 3424 hosted by the generic object actor: meter.reading notifies an observer
// of /3424/0/1.
import test from 'ava';
import { SimulatedClock } from 'xstate';
import { createObjectActor } from '../../src/actors/object.actor.js';
import { CodedError } from '../../src/errors.js';
import { ContentFormat } from '../../src/lwm2m/types.js';
import type { ActorContext, ActorMessage } from '../../src/runtime/actor-api.js';
import { log } from '../../src/runtime/log.js';
import { fakeMessaging } from '../support/fake-messaging.js';

test('object:3424 loads objects/water-meter.js; a meter.reading reaches an observer of the volume', async (t) => {
  const sent: { to: string; msg: ActorMessage }[] = [];
  const ctx: ActorContext = {
    name: 'object:3424',
    config: { spec: 'objects/water-meter.js' },
    fullConfig: {},
    log: log.child({ test: 'object-3424' }),
    store: { read: () => Promise.resolve(undefined), write: () => Promise.resolve(), remove: () => Promise.resolve() },
    ...fakeMessaging({
      send: (to, msg) => sent.push({ to, msg }),
      request: () => Promise.reject(new CodedError('ACTOR_UNAVAILABLE', 'none')),
    }),
  };
  const clock = new SimulatedClock();
  const obj = await createObjectActor(ctx, { timers: clock });
  const first = (await obj.receive({
    type: 'object.observe',
    observationId: 'o1',
    path: [3424, 0, 1],
    accept: ContentFormat.TEXT,
    serverId: 1,
  })) as { code: string; payload?: Uint8Array };
  t.is(first.code, '2.05');
  t.is(Buffer.from(first.payload ?? []).toString(), '0');
  await obj.receiveOther!({
    type: 'meter.reading',
    snapshot: {
      volumeM3: 1.5,
      pulses: 1500,
      pulseRatio: 1000,
      meterType: 'cold water',
      minFlow: 0,
      maxFlow: 0,
      time: 100,
      flags: { leakSuspected: false, leakDetected: false, backflow: false, blocked: false },
    },
  });
  for (let i = 0; i < 5; i++) {
    clock.increment(1000);
    await new Promise((r) => setImmediate(r));
  }
  const notes = sent.filter((s) => s.msg.type === 'object.notify');
  t.true(notes.length >= 1, 'a notification');
  t.is(Buffer.from(notes[0].msg.payload as Uint8Array).toString(), '1.5');
  await obj.stop();
});
