// observe-plan.test.ts: notification timing with a simulated clock: pmin hold-off, pmax force, gt/lt crossing, st step,
// no floods.
import test from 'ava';
import {
  initialState,
  onChange,
  onTimer,
  sent,
  nextWake,
  mayEvaluate,
  nextEvaluation,
} from '../../src/lwm2m/observe-plan.js';
import type { Attributes } from '../../src/lwm2m/attributes.js';

/**
 * Drives the planner like the object actor does: changes at given times, timer at wakeAt; returns notification times.
 */
function simulate(a: Attributes, changes: [number, number][], until: number, start = 0): number[] {
  const s = initialState(0, start);
  const out: number[] = [];
  let wake: number | undefined = nextWake(a, s);
  let last = start;
  let ci = 0;
  for (let now = 0; now <= until; now += 100) {
    while (ci < changes.length && changes[ci][0] <= now) {
      last = changes[ci][1];
      const d = onChange(a, s, now, last);
      if (d.notify) {
        out.push(now);
        sent(s, now, last);
        wake = nextWake(a, s);
      } else wake = d.wakeAt;
      ci++;
    }
    if (wake !== undefined && now >= wake) {
      const d = onTimer(a, s, now);
      if (d.notify) {
        out.push(now);
        sent(s, now, last);
        wake = nextWake(a, s);
      } else wake = d.wakeAt;
    }
  }
  return out;
}

test('pmin holds changes back and sends one notification at pmin, not a flood', (t) => {
  const changes: [number, number][] = Array.from({ length: 50 }, (_, i) => [1000 + i * 100, i + 1]);
  t.deepEqual(simulate({ pmin: 10 }, changes, 30_000), [10_000]);
});

test('without pmin each change notifies at once', (t) => {
  t.deepEqual(
    simulate(
      {},
      [
        [500, 1],
        [700, 2],
      ],
      2000,
    ),
    [500, 700],
  );
});

test('pmax forces a notification without changes', (t) => {
  t.deepEqual(simulate({ pmax: 5 }, [], 16_000), [5000, 10_000, 15_000]);
});

test('pmax below pmin is ignored', (t) => {
  t.deepEqual(simulate({ pmin: 10, pmax: 5 }, [], 16_000), []);
});

test('gt and lt notify on crossing only', (t) => {
  const a = { gt: 50, lt: 10 };
  t.deepEqual(
    simulate(
      a,
      [
        [100, 20],
        [200, 40],
        [300, 60],
        [400, 70],
        [500, 30],
        [600, 5],
      ],
      1000,
      15,
    ),
    [300, 500, 600],
  );
});

test('st notifies on a step from the last sent value', (t) => {
  t.deepEqual(
    simulate(
      { st: 5 },
      [
        [100, 2],
        [200, 4],
        [300, 6],
        [400, 8],
        [500, 12],
      ],
      1000,
      0,
    ),
    [300, 500],
  );
});

test('epmin/epmax bound evaluations', (t) => {
  const a = { epmin: 2, epmax: 10 };
  const s = initialState(0, 0);
  t.false(mayEvaluate(a, s, 1000));
  t.true(mayEvaluate(a, s, 2000));
  t.is(nextEvaluation(a, s), 10_000);
  t.is(nextWake(a, s), 10_000);
});
