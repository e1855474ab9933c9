// demo-flow.test.ts: the embedded demo's meter moves every minute; tests' default (household) profile is unchanged.
import test from 'ava';
import { SimulatedClock } from 'xstate';
import { DemoFlow, DEMO_LPM } from '../../src/meter/sources/demo-flow.js';
import { SimulatedSource } from '../../src/meter/sources/simulated.js';
import { defaultConfig, loadConfig } from '../../src/runtime/config.js';

test('the tap runs 30 s of each minute at 12 L/min: 6 pulses of 1 L a minute, none in the off half', (t) => {
  t.is(DemoFlow.onMsBetween(0, 60_000), 30_000);
  t.is(DemoFlow.onMsBetween(30_000, 60_000), 0);
  t.is(DemoFlow.onMsBetween(25_000, 65_000), 10_000);
  const f = new DemoFlow(1000);
  let n = 0;
  for (let s = 0; s < 600; s += 10) n += f.pulsesBetween(s * 1000, (s + 10) * 1000);
  t.is(n, (DEMO_LPM / 2) * 10, 'ten minutes');
});

test('the simulated source on the demo profile counts pulses within the first minute, on its clock', async (t) => {
  const clock = new SimulatedClock();
  const src = new SimulatedSource(
    { seed: 1, dailyM3: 0.3, leakLph: 0, utcOffsetH: 0, tickMs: 10_000, profile: 'demo' },
    1000,
    clock,
  );
  const counts: number[] = [];
  await src.start({
    event: (e) => {
      if (e.kind === 'pulses') counts.push(e.count);
    },
    error() {},
  });
  for (let i = 0; i < 6; i++) clock.increment(10_000);
  await src.stop();
  t.deepEqual(counts, [2, 2, 2], 'three ticks of the on half');
});

test('run without --config is the demo (demo profile); every default stays the household pattern', (t) => {
  const demo = loadConfig().meter.source;
  t.is(demo.kind === 'simulated' ? demo.profile : undefined, 'demo');
  const dflt = defaultConfig().meter.source;
  t.is(dflt.kind === 'simulated' ? dflt.profile : undefined, 'household');
});
