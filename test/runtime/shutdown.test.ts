// shutdown.test.ts: Runtime.stop() keeps to shutdownTimeoutMs even when an actor's stop() hangs, and the others still
// stop.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Runtime } from '../../src/runtime/runtime.js';
import { fixture, supervisor, tmpState } from './helpers.js';
import { immediateClock } from '../support/sim-timers.js';

for (const placement of ['shared', 'per-actor'] as const) {
  test(`a hanging stop() does not hold shutdown past the budget (${placement})`, async (t) => {
    const stateDir = tmpState();
    const rt = new Runtime({
      actors: [
        { name: 'rec', moduleUrl: fixture('recorder.actor') },
        { name: 'hang', moduleUrl: fixture('hang.actor') },
      ],
      placement,
      supervisor,
      stateDir,
      clock: immediateClock(),
      logLevel: 'silent',
      shutdownTimeoutMs: 1000,
      fullConfig: { stateDir },
    });
    await rt.start();
    t.is(await rt.request('hang', { type: 'x' }), 'here');
    const t0 = Date.now();
    await rt.stop();
    const took = Date.now() - t0;
    t.true(took >= 700 && took < 2500, `took ${took} ms`); // hang gets 1000 - 250 (rec's reserved slice)
    // the budget is shared: the hang actor (stopped first, reverse order) used its part, rec still stopped cleanly
    t.is(rt.stateOf('hang'), 'stopped');
    t.is(rt.stateOf('rec'), 'stopped');
    t.is(readFileSync(join(stateDir, 'stop-order'), 'utf8').trim(), 'rec');
  });
}
