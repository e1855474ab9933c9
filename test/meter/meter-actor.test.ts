// meter-actor.test.ts: the meter machine on a simulated clock: source failure and backoff retry, resets, object
// updates, register sources.
import test from 'ava';
import { CodedError } from '../../src/errors.js';
import { untilBoundary } from '../../src/meter/machine.js';
import type { PulseSink, PulseSource } from '../../src/meter/sources/source.js';
import { advance, settle, startRig } from './support.js';
import { dispatch } from '../../src/runtime/dispatch.js';
import { METER_ACCEPTS } from '../../src/actors/meter.actor.js';

/** A source that fails to start `failures` times, then counts pulses pushed by the test. */
class ScriptedSource implements PulseSource {
  readonly kind = 'scripted';
  static starts = 0;
  sink: PulseSink | undefined;
  constructor(private readonly failures: number) {}
  start(sink: PulseSink): Promise<void> {
    ScriptedSource.starts++;
    if (ScriptedSource.starts <= this.failures)
      return Promise.reject(new CodedError('METER_SOURCE_UNAVAILABLE', 'no chip'));
    this.sink = sink;
    return Promise.resolve();
  }
  stop(): Promise<void> {
    this.sink = undefined;
    return Promise.resolve();
  }
}

test('untilBoundary aligns timers to interval boundaries', (t) => {
  t.is(untilBoundary(0, 900_000), 900_000);
  t.is(untilBoundary(100, 900_000), 899_900);
  t.is(untilBoundary(3_600_000, 3_600_000, 5000), 5000);
  t.is(untilBoundary(3_605_000, 3_600_000, 5000), 3_600_000);
  t.is(untilBoundary(899_999, 900_000), 900_001, 'a timer firing 1 ms early does not read twice');
  t.is(untilBoundary(900_000, 900_000), 900_000);
});

test('source fails to start → failed, retried with doubling backoff, then counting', async (t) => {
  ScriptedSource.starts = 0;
  let current: ScriptedSource | undefined;
  const rig = startRig({ retryS: 5, retryMaxS: 60 }, { createSource: () => (current = new ScriptedSource(3)) });
  await settle();
  const state = (): string => JSON.stringify(rig.service.actor.getSnapshot().value);
  t.regex(state(), /"source":"failed"/);
  await advance(rig.clock, 5000, 1000); // retry 1 after 5 s → fails
  t.is(ScriptedSource.starts, 2);
  await advance(rig.clock, 9000, 1000);
  t.is(ScriptedSource.starts, 2, 'second retry waits 10 s');
  await advance(rig.clock, 1000, 1000);
  t.is(ScriptedSource.starts, 3);
  await advance(rig.clock, 20_000, 1000); // third retry after 20 s succeeds
  t.is(ScriptedSource.starts, 4);
  t.regex(state(), /"source":\{"running":"counting"\}/);
  current!.sink!.event({ kind: 'pulses', count: 5, direction: 1 });
  current!.sink!.error(new CodedError('METER_SOURCE_FAILED', 'gpiomon exited'));
  await settle();
  t.regex(state(), /"source":"failed"/);
  t.is(rig.service.actor.getSnapshot().context.lastError?.code, 'METER_SOURCE_FAILED');
  await advance(rig.clock, 5000, 1000);
  t.regex(state(), /"source":\{"running":"counting"\}/, 'backoff restarts after a successful start');
  await advance(rig.clock, 10_000, 1000);
  t.is(rig.service.core.journal.durable.forward, 5);
  rig.service.stop();
});

test('object 3424 gets the durable values after each fsync; resets zero them', async (t) => {
  ScriptedSource.starts = 0;
  let current: ScriptedSource | undefined;
  const rig = startRig(
    { fsyncIntervalS: 10, pulseRatio: 100 },
    { createSource: () => (current = new ScriptedSource(0)) },
  );
  await settle();
  const last = (): { volumeM3: number; pulses: number } =>
    rig.sent.filter((m) => m.type === 'meter.reading').at(-1)!.snapshot as { volumeM3: number; pulses: number };
  t.is(last().pulses, 0);
  current!.sink!.event({ kind: 'pulses', count: 250, direction: 1 });
  t.is(last().pulses, 0, 'not reported before it is fsynced');
  await advance(rig.clock, 10_000, 1000);
  t.is(last().volumeM3, 2.5);
  t.is(last().pulses, 250);
  rig.service.receive({ type: 'meter.reset-volume' });
  t.is(last().volumeM3, 0);
  t.is(last().pulses, 250);
  rig.service.receive({ type: 'meter.reset-pulses' });
  t.is(last().pulses, 0);
  current!.sink!.event({ kind: 'pulses', count: 10, direction: 1 });
  await advance(rig.clock, 10_000, 1000);
  t.is(last().volumeM3, 0.1);
  t.is(last().pulses, 10);
  // the host's boundary refuses a type the meter does not take
  t.throws(
    () =>
      dispatch({ name: 'meter', instance: rig.service, accepts: new Set(METER_ACCEPTS) }, { type: 'meter.nonsense' }),
    { message: /takes no message meter.nonsense/ },
  );
  rig.service.stop();
});

test('serial source through meter.serial-data: register deltas count, drops are back flow or a re-baseline', async (t) => {
  const rig = startRig({ source: { kind: 'serial' }, fsyncIntervalS: 10 });
  await settle();
  const feed = (s: string): void => {
    rig.service.receive({ type: 'meter.serial-data', data: new TextEncoder().encode(s) });
  };
  feed('PULSES 5000\n');
  feed('PULSES 5010\n+2\n');
  feed('PULSES 5007\n'); // 3 back
  feed('PULSES 2\n'); // head replaced: re-baseline
  feed('PULSES 4\n');
  await advance(rig.clock, 10_000, 1000);
  await settle();
  const j = rig.service.core.journal.durable;
  t.is(j.forward, 14);
  t.is(j.backward, 3);
  t.is(j.register, 4);
  t.true(rig.service.core.accounting.flags().backflow);
  rig.service.stop();
});

test('the machine serialises for diagrams (four parallel regions)', async (t) => {
  const { meterMachine } = await import('../../src/meter/machine.js');
  const json = meterMachine.toJSON() as { states: Record<string, unknown> };
  t.deepEqual(Object.keys(json.states), ['source', 'journal', 'readings', 'send']);
});
