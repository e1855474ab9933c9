// valve-shutoff.test.ts: the valve plugin tells the meter its position once it was driven after start (meter.valve);
// the simulated source counts no flow while the valve is closed and counts again once it opens.
import test from 'ava';
import { advance, settle, startRig } from './support.js';
import { startValve } from '../plugins/support/valve-harness.js';
import type { ObjectHost } from '../../src/lwm2m/object-host.js';

async function writeOnOff(host: ObjectHost, open: boolean): Promise<string> {
  const r = await host.handle({
    op: 'write-records',
    path: [3306, 0, 5850],
    records: [{ path: [3306, 0, 5850], value: open }],
    remote: true,
    serverId: 1,
  });
  return r.code;
}

test('a closed valve stops the simulated flow until it opens; the valve reports every position to the meter', async (t) => {
  const valve = await startValve({
    gpio: { kind: 'simulated', chip: 'v-shut', line: 17 },
    leakRule: { enabled: false },
  });
  const meter = startRig({ source: { kind: 'simulated', profile: 'demo' } });
  let forwarded = 0;
  const forward = async (): Promise<void> => {
    for (const e of valve.emitted.slice(forwarded)) if (e.to === 'meter') meter.service.receive(e.msg as never);
    forwarded = valve.emitted.length;
    await settle();
  };
  // fail-safe closed at start: not reported (a simulated meter would stand still until a server opened the valve)
  await forward();
  t.deepEqual(
    valve.emitted.filter((e) => e.to === 'meter').map((e) => e.msg),
    [],
  );
  const pulses = (): number => meter.service.core.journal.state.forward;

  t.is(await writeOnOff(valve.host, true), '2.04');
  await forward();
  await advance(meter.clock, 30 * 60_000, 10_000);
  const opened = pulses();
  t.true(opened > 0, 'flow once open');

  t.is(await writeOnOff(valve.host, false), '2.04');
  await forward();
  await advance(meter.clock, 30 * 60_000, 10_000);
  t.is(pulses(), opened, 'stopped again while closed (the flow of that half hour is not delivered later)');
  t.is(await writeOnOff(valve.host, true), '2.04');
  await forward();
  await advance(meter.clock, 30 * 60_000, 10_000);
  t.true(pulses() > opened);
  t.deepEqual(
    valve.emitted.filter((e) => e.to === 'meter').map((e) => (e.msg as { open: boolean }).open),
    [true, false, true],
  );
  meter.service.stop();
});

test('meter.valve with no boolean is refused', (t) => {
  const meter = startRig({ source: { kind: 'simulated', profile: 'demo' } });
  t.throws(
    () =>
      meter.service.receive({ type: 'meter.valve', open: 'no' } as unknown as { type: 'meter.valve'; open: boolean }),
    { message: /open: true or false/ },
  );
  meter.service.stop();
});
