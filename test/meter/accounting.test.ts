// accounting.test.ts: flow windows, leak rules (continuous flow, night minimum), back flow and blocked meter on a
// simulated clock.
import test from 'ava';
import { SimulatedClock } from 'xstate';
import { Accounting, nightAt, type AccountingConfig } from '../../src/meter/accounting.js';
import { leakRulesSchema } from '../../src/meter/config-schema.js';

const H = 3_600_000;
const MIN = 60_000;

function cfg(over: Partial<AccountingConfig> = {}, leak: Record<string, unknown> = {}): AccountingConfig {
  return {
    pulseRatio: 1000,
    flowWindowS: 60,
    leak: leakRulesSchema.parse(leak),
    backflowMinPulses: 1,
    blockedAfterS: 0,
    ...over,
  };
}

/** Drives `a` for `ms` with one pulse every `everyMs`, advancing the simulated clock. */
function drip(a: Accounting, clock: SimulatedClock, ms: number, everyMs: number): void {
  const end = clock.now() + ms;
  while (clock.now() + everyMs <= end) {
    clock.increment(everyMs);
    a.pulses(1, 1, clock.now());
  }
  clock.set(end);
  a.advance(end);
}

test('flow windows give min and max flow since the last reading', (t) => {
  const clock = new SimulatedClock();
  const a = new Accounting(cfg(), clock.now());
  // 6 pulses in the first minute (6 L/min = 1e-4 m³/s), nothing in the second.
  for (let i = 0; i < 6; i++) a.pulses(1, 1, clock.now() + i * 5000);
  clock.set(2 * MIN);
  const f = a.takeInterval(clock.now());
  t.is(f.forwardPulses, 6);
  t.is(f.maxFlow, 6 / 1000 / 60);
  t.is(f.minFlow, 0);
  const g = a.takeInterval(clock.now() + 10 * MIN);
  t.is(g.maxFlow, 0);
  t.is(g.forwardPulses, 0);
});

test('no interval closed yet → min and max are 0', (t) => {
  const a = new Accounting(cfg(), 0);
  a.pulses(3, 1, 1000);
  t.deepEqual(a.takeInterval(2000), { minFlow: 0, maxFlow: 0, forwardPulses: 3, backwardPulses: 0 });
});

test('continuous flow: suspected after 12 h, detected after 24 h, cleared by a 30-minute quiet gap', (t) => {
  const clock = new SimulatedClock();
  clock.set(10 * H); // 10:00 UTC, outside the night window
  const a = new Accounting(cfg(), clock.now());
  drip(a, clock, 11 * H, 10 * MIN);
  t.false(a.flags().leakSuspected);
  drip(a, clock, 1 * H + 10 * MIN, 10 * MIN);
  t.true(a.flags().leakSuspected);
  t.false(a.flags().leakDetected);
  drip(a, clock, 12 * H, 10 * MIN);
  t.true(a.flags().leakDetected);
  // 30 minutes without a pulse: zero-flow interval → no leak.
  clock.increment(30 * MIN);
  a.advance(clock.now());
  t.false(a.flags().leakSuspected);
  t.false(a.flags().leakDetected);
});

test('gaps shorter than quietGapS do not break the continuous-flow run', (t) => {
  const clock = new SimulatedClock();
  clock.set(6 * H);
  const a = new Accounting(cfg({}, { quietGapS: 1800, suspectedAfterS: 3 * 3600, nightMinFlowLph: 0 }), clock.now());
  drip(a, clock, 4 * H, 29 * MIN);
  t.true(a.flags().leakSuspected);
  const b = new Accounting(cfg({}, { quietGapS: 1800, suspectedAfterS: 3 * 3600, nightMinFlowLph: 0 }), clock.now());
  drip(b, clock, 4 * H, 31 * MIN);
  t.false(b.flags().leakSuspected);
});

test('night rule: every 15-minute bin of the night above 6 L/h → suspected; three nights → detected', (t) => {
  const clock = new SimulatedClock();
  clock.set(20 * H); // 20:00 day 0
  const rules = { suspectedAfterS: 0, detectedAfterS: 0 };
  const a = new Accounting(cfg({}, rules), clock.now());
  // A 12 L/h leak: one pulse every 5 minutes, around the clock.
  for (let night = 1; night <= 3; night++) {
    drip(a, clock, 10 * H, 5 * MIN); // until 06:00: the night 02–05 has been judged
    t.true(a.flags().leakSuspected, `night ${night}`);
    t.is(a.flags().leakDetected, night >= 3, `night ${night}`);
    drip(a, clock, 14 * H, 5 * MIN);
  }
});

test('night rule: one empty bin in the night → not suspected', (t) => {
  const clock = new SimulatedClock();
  clock.set(20 * H);
  const a = new Accounting(cfg({}, { suspectedAfterS: 0, detectedAfterS: 0, quietGapS: 7200 }), clock.now());
  drip(a, clock, 7 * H, 5 * MIN); // to 03:00
  clock.increment(20 * MIN); // a 20-minute gap covers one whole 15-minute bin
  a.advance(clock.now());
  drip(a, clock, 3 * H, 5 * MIN);
  t.false(a.flags().leakSuspected);
});

test('a night already under way at start is not judged', (t) => {
  const clock = new SimulatedClock();
  clock.set(3 * H);
  const a = new Accounting(cfg({}, { suspectedAfterS: 0, detectedAfterS: 0 }), clock.now());
  drip(a, clock, 3 * H, 5 * MIN);
  t.false(a.flags().leakSuspected);
});

test('back flow: flagged for the interval with backward pulses and the reading after it, then cleared', (t) => {
  const a = new Accounting(cfg(), 0);
  a.pulses(2, -1, 1000);
  t.true(a.flags().backflow);
  t.is(a.takeInterval(900_000).backwardPulses, 2);
  t.true(a.flags().backflow);
  a.takeInterval(1_800_000);
  t.false(a.flags().backflow);
});

test('blocked meter: no pulse for blockedAfterS after counting; a pulse clears it', (t) => {
  const a = new Accounting(cfg({ blockedAfterS: 3 * 86400 }), 0);
  a.advance(10 * 86400_000);
  t.false(a.flags().blocked, 'never counted: not blocked');
  a.pulses(1, 1, 10 * 86400_000);
  a.advance(13 * 86400_000 - 1);
  t.false(a.flags().blocked);
  a.advance(13 * 86400_000);
  t.true(a.flags().blocked);
  a.pulses(1, 1, 13 * 86400_000 + 5);
  t.false(a.flags().blocked);
});

test('nightAt handles windows across midnight and UTC offsets', (t) => {
  t.deepEqual(nightAt(3 * H, 2, 5, 0), { start: 2 * H, end: 5 * H });
  t.is(nightAt(6 * H, 2, 5, 0), undefined);
  t.deepEqual(nightAt(24 * H + 1 * H, 22, 5, 0), { start: 22 * H, end: 29 * H });
  t.deepEqual(nightAt(1 * H, 2, 5, 2), { start: 0, end: 3 * H }); // 02:00 local at UTC+2 is 00:00 UTC
  t.is(nightAt(0, 3, 3, 0), undefined);
});
