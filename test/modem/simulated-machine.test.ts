// simulated-machine.test.ts: the modem machine on the simulated modem under SimulatedClock: attach, polling, scripted
// outage and recovery.
import test from 'ava';
import { createActor, SimulatedClock } from 'xstate';
import { parseModemConfig } from '../../src/modem/config-schema.js';
import { type ModemOutput } from '../../src/modem/machine.js';
import { modemMachineFor, modemInput } from '../../src/actors/modem.actor.js';
import { SimulatedModem } from '../../src/modem/simulated.js';
import { settle, stepClock, timersOf } from '../support/sim-timers.js';

const advance = (clock: SimulatedClock, ms: number): Promise<void> => stepClock(clock, ms, 100, () => settle(50));

test('simulated modem: attach after the delay, connectivity updates, outage → network.down → network.up', async (t) => {
  const cfg = parseModemConfig({
    timeouts: { signalIntervalMs: 1000, lossGraceMs: 2000 },
    simulated: { attachDelayMs: 1500, outages: [{ atMs: 10_000, durationMs: 8_000 }] },
  });
  const clock = new SimulatedClock();
  const out: ModemOutput[] = [];
  const driver = new SimulatedModem(cfg, timersOf(clock));
  const actor = createActor(modemMachineFor(driver), { input: modemInput(driver, cfg), clock });
  actor.on('*', (m) => {
    if (m.type !== 'modem.poll-failed') out.push(m);
  });
  driver.onEvent((ev) => actor.send(ev));
  actor.start();
  await settle(50);
  t.is(actor.getSnapshot().value, 'attaching');
  await advance(clock, 1400);
  t.false(out.some((m) => m.type === 'network.up'));
  await advance(clock, 200);
  t.deepEqual(
    out.find((m) => m.type === 'network.up'),
    { type: 'network.up', bearer: 'lte-m', ip: '127.0.0.1' },
  );
  const upd = out.find((m) => m.type === 'connectivity.update');
  t.truthy(upd);
  if (upd?.type === 'connectivity.update') {
    t.is(upd.values[0], 6);
    t.is(typeof upd.values[2], 'number');
    t.deepEqual(upd.values[4], ['127.0.0.1']);
  }
  await advance(clock, 5000);
  const updates = out.filter((m) => m.type === 'connectivity.update').length;
  t.true(updates >= 5, `polled ${updates} times`);
  // Outage at 10 s: lost, after 2 s grace network.down; back at 18 s.
  await advance(clock, 3600);
  t.deepEqual(actor.getSnapshot().value, 'lost');
  t.false(out.some((m) => m.type === 'network.down'));
  await advance(clock, 2100);
  t.deepEqual(
    out.filter((m) => m.type === 'network.down'),
    [{ type: 'network.down', reason: 'LTE registration lost' }],
  );
  await advance(clock, 6000);
  t.is(out.filter((m) => m.type === 'network.up').length, 2);
  t.deepEqual(actor.getSnapshot().value, { online: 'idle' });
  actor.stop();
  driver.close();
});

test('simulated modem: modem.reconnect cycles the radio and comes back', async (t) => {
  const cfg = parseModemConfig({ simulated: { attachDelayMs: 500 }, timeouts: { cfunCycleMs: 300 } });
  const clock = new SimulatedClock();
  const out: ModemOutput[] = [];
  const driver = new SimulatedModem(cfg, timersOf(clock));
  const actor = createActor(modemMachineFor(driver), { input: modemInput(driver, cfg), clock });
  actor.on('*', (m) => {
    if (m.type !== 'modem.poll-failed') out.push(m);
  });
  driver.onEvent((ev) => actor.send(ev));
  actor.start();
  await advance(clock, 600);
  t.is(out.filter((m) => m.type === 'network.up').length, 1);
  actor.send({ type: 'modem.reconnect' });
  await settle(50);
  t.deepEqual(
    out.filter((m) => m.type === 'network.down'),
    [{ type: 'network.down', reason: 'modem recovery' }],
  );
  await advance(clock, 1000);
  t.is(out.filter((m) => m.type === 'network.up').length, 2);
  actor.stop();
  driver.close();
});
