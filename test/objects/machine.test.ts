// machine.test.ts: the object lifecycle statechart on its own: start, busy while operations overlap,
// observations counted, stop; announce provided by the adapter.
import test from 'ava';
import { createActor } from 'xstate';
import { objectMachine } from '../../src/objects/machine.js';

test('starting → ready (announced) ⇄ busy while operations overlap → stopping → stopped', (t) => {
  let announced = 0;
  const a = createActor(
    objectMachine.provide({
      actions: {
        announce: () => {
          announced++;
        },
      },
    }),
    { input: { objectId: 3 } },
  ).start();
  t.is(a.getSnapshot().value, 'starting');
  a.send({ type: 'object.started' });
  t.is(a.getSnapshot().value, 'ready');
  t.is(announced, 1);
  a.send({ type: 'object.request', op: 'write' });
  a.send({ type: 'object.request', op: 'execute' });
  t.is(a.getSnapshot().value, 'busy');
  t.is(a.getSnapshot().context.pending, 2);
  a.send({ type: 'object.done' });
  t.is(a.getSnapshot().value, 'busy', 'one still in progress');
  a.send({ type: 'object.done' });
  t.is(a.getSnapshot().value, 'ready');
  t.is(a.getSnapshot().context.lastOp, 'execute');
  a.send({ type: 'object.observe', count: 2 });
  a.send({ type: 'object.notify' });
  t.like(a.getSnapshot().context, { observations: 2, notified: 1 });
  a.send({ type: 'object.stop' });
  t.is(a.getSnapshot().value, 'stopping');
  a.send({ type: 'object.stopped' });
  t.is(a.getSnapshot().status, 'done');
});

test('a failed start ends stopped with the reason', (t) => {
  const a = createActor(objectMachine, { input: { objectId: 3306 } }).start();
  a.send({ type: 'object.start-failed', code: 'GPIO_MISSING', message: 'no chip' });
  t.is(a.getSnapshot().value, 'stopped');
  t.deepEqual(a.getSnapshot().context.failure, { code: 'GPIO_MISSING', message: 'no chip' });
});
