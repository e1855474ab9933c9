// gnss-actor.test.ts: GNSS in the modem actor (startModemService) on the simulated modem and a simulated clock: fixes,
// assistance, GNSS_BUSY, MODEM_NOT_READY, the RF hold around an exclusive receiver's fix, network.down aborting a fix.
import test from 'ava';
import { createActor, SimulatedClock } from 'xstate';
import { RF_HOLD_MARGIN_MS, startModemService, type ModemService } from '../../src/actors/modem.actor.js';
import type { ClientRfHold, ClientRfRelease } from '../../src/messages/index.js';
import { parseModemConfig } from '../../src/modem/config-schema.js';
import { buildNrfCloudAgnss } from '../../src/modem/gnss/nrf-cloud-agnss.js';
import type { GnssAssistanceFormat, GnssFix, RfSharing } from '../../src/modem/gnss/types.js';
import { SimulatedModem } from '../../src/modem/simulated.js';
import { settle, stepClock, timersOf } from '../support/sim-timers.js';

const advance = (clock: SimulatedClock, ms: number): Promise<void> => stepClock(clock, ms, 100, () => settle(50));
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined };

/** The simulated modem with a receiver that cannot share the RF with LTE (as a BG95 or SIM7080). */
class ExclusiveSim extends SimulatedModem {
  override gnssInfo(): { rf: RfSharing; assistanceFormat: GnssAssistanceFormat } {
    return { rf: 'exclusive', assistanceFormat: 'nrf-cloud-agnss' };
  }
}

interface Rig {
  clock: SimulatedClock;
  svc: ModemService;
  sim: SimulatedModem;
  rf: string[];
  log: (string | number)[];
  /** How the client answers client.rf-hold. */
  hold: { refuse: boolean; delayMs: number; failCode?: string };
}

async function rig(o: { exclusive?: boolean; outageAtMs?: number } = {}): Promise<Rig> {
  const cfg = parseModemConfig({
    timeouts: { signalIntervalMs: 60_000, lossGraceMs: 100 },
    simulated: {
      attachDelayMs: 100,
      outages: o.outageAtMs !== undefined ? [{ atMs: o.outageAtMs, durationMs: 60_000 }] : [],
    },
  });
  const clock = new SimulatedClock();
  const timers = timersOf(clock);
  const sim = o.exclusive ? new ExclusiveSim(cfg, timers) : new SimulatedModem(cfg, timers);
  const rf: string[] = [];
  const log: (string | number)[] = [];
  const hold: Rig['hold'] = { refuse: false, delayMs: 0 };
  const svc = startModemService({
    config: cfg,
    timers,
    driver: sim,
    log: quiet,
    emit: () => undefined,
    startActor: (m, input) => createActor(m, { input, clock }).start(),
    startGnssActor: (m, input) => createActor(m, { input, clock }).start(),
    rf: (m: ClientRfHold | ClientRfRelease) => {
      rf.push(m.type === 'client.rf-hold' ? `hold ${m.maxMs} running=${sim.sky.running}` : 'release');
      if (m.type === 'client.rf-release') return Promise.resolve({ ok: true });
      if (hold.refuse || hold.failCode)
        return Promise.reject(Object.assign(new Error('no hold'), { code: hold.failCode ?? 'GNSS_RF_REFUSED' }));
      return new Promise((r) => timers.setTimeout(() => r({ ok: true }), hold.delayMs));
    },
  });
  await advance(clock, 300);
  return { clock, svc, sim, rf, log, hold };
}

/** Sends a request to the service; records its outcome. */
function ask(
  r: Rig,
  msg: Parameters<ModemService['receive']>[0],
): () => { value?: unknown; code?: string } | undefined {
  let out: { value?: unknown; code?: string } | undefined;
  try {
    Promise.resolve(r.svc.receive(msg)).then(
      (value) => (out = { value }),
      (e: { code?: string }) => (out = { code: e.code ?? 'NO_CODE' }),
    );
  } catch (e) {
    out = { code: (e as { code?: string }).code ?? 'NO_CODE' };
  }
  return () => out;
}

test('simulated modem: a cold fix after ttffCold, assistance checked and injected, then a fix after ttffAssisted', async (t) => {
  const r = await rig();
  try {
    const need0 = ask(r, { type: 'modem.gnss.need' });
    await advance(r.clock, 100);
    t.like(need0()?.value, { ephemeris: true, format: 'nrf-cloud-agnss', rf: 'lte-idle' });
    const a = ask(r, { type: 'modem.gnss.fix', timeoutMs: 20_000 });
    await advance(r.clock, r.sim.sky.ttffColdMs - 200);
    t.is(a(), undefined, 'no fix before ttffCold');
    await advance(r.clock, 400);
    t.like(a()?.value, { latitude: r.sim.sky.latitude, longitude: r.sim.sky.longitude });
    t.deepEqual(r.rf, [], 'lte-idle: no RF hold');
    t.false(r.sim.sky.running);

    const bad = ask(r, { type: 'modem.gnss.inject', data: new Uint8Array([9, 9, 9]) });
    await advance(r.clock, 100);
    t.is(bad()?.code, 'GNSS_BAD_ASSISTANCE');
    const good = ask(r, { type: 'modem.gnss.inject', data: buildNrfCloudAgnss({ ephemerides: [1, 2, 3, 4] }) });
    await advance(r.clock, 100);
    t.deepEqual(good()?.value, { ok: true });
    const need1 = ask(r, { type: 'modem.gnss.need' });
    await advance(r.clock, 100);
    t.like(need1()?.value, { ephemeris: false });
    const b = ask(r, { type: 'modem.gnss.fix', timeoutMs: 20_000 });
    await advance(r.clock, r.sim.sky.ttffAssistedMs + 200);
    t.truthy((b()?.value as GnssFix | undefined)?.latitude, 'assisted fix');
  } finally {
    void r.svc.stop();
  }
});

test('one fix at a time (GNSS_BUSY); indoors → GNSS_TIMEOUT; not online → MODEM_NOT_READY', async (t) => {
  const r = await rig();
  try {
    r.sim.sky.indoors = true;
    const a = ask(r, { type: 'modem.gnss.fix', timeoutMs: 5000 });
    await advance(r.clock, 100);
    t.is(ask(r, { type: 'modem.gnss.fix', timeoutMs: 5000 })()?.code, 'GNSS_BUSY');
    await advance(r.clock, 5000);
    t.is(a()?.code, 'GNSS_TIMEOUT');
    t.false(r.sim.sky.running);
  } finally {
    void r.svc.stop();
  }
  const off = await rig({ outageAtMs: 500 });
  try {
    await advance(off.clock, 1000);
    t.is(ask(off, { type: 'modem.gnss.fix', timeoutMs: 5000 })()?.code, 'MODEM_NOT_READY');
  } finally {
    void off.svc.stop();
  }
});

test('exclusive receiver: RF hold (timeout + margin) before the receiver starts, release after it stops, then the reply', async (t) => {
  const r = await rig({ exclusive: true });
  try {
    r.hold.delayMs = 2000; // the client finishes an exchange first
    const a = ask(r, { type: 'modem.gnss.fix', timeoutMs: 30_000 });
    await advance(r.clock, 1900);
    t.deepEqual(r.rf, [`hold ${30_000 + RF_HOLD_MARGIN_MS} running=false`]);
    t.false(r.sim.sky.running, 'the receiver waits for the hold');
    await advance(r.clock, 200);
    t.true(r.sim.sky.running);
    await advance(r.clock, r.sim.sky.ttffColdMs + 200);
    t.deepEqual(r.rf.at(-1), 'release');
    t.false(r.sim.sky.running);
    t.truthy((a()?.value as GnssFix | undefined)?.latitude);
  } finally {
    void r.svc.stop();
  }
});

test('exclusive receiver: a refused hold passes GNSS_RF_REFUSED through and never starts the receiver', async (t) => {
  const r = await rig({ exclusive: true });
  try {
    r.hold.refuse = true;
    const a = ask(r, { type: 'modem.gnss.fix', timeoutMs: 30_000 });
    await advance(r.clock, 100);
    t.is(a()?.code, 'GNSS_RF_REFUSED');
    t.deepEqual(r.rf, [`hold ${30_000 + RF_HOLD_MARGIN_MS} running=false`], 'no release: nothing was held');
    await advance(r.clock, 5000);
    t.false(r.sim.sky.running);
    t.is(ask(r, { type: 'modem.gnss.need' })() ?? 'pending', 'pending', 'the machine is idle again (no GNSS_BUSY)');
  } finally {
    void r.svc.stop();
  }
});

test('network.down during a fix aborts it: GNSS_ABORTED, the receiver stopped, the RF released', async (t) => {
  const r = await rig({ exclusive: true, outageAtMs: 1500 });
  try {
    r.sim.sky.indoors = true;
    const a = ask(r, { type: 'modem.gnss.fix', timeoutMs: 60_000 });
    await advance(r.clock, 500);
    t.true(r.sim.sky.running);
    await advance(r.clock, 1500);
    t.is(a()?.code, 'GNSS_ABORTED');
    t.false(r.sim.sky.running);
    t.is(r.rf.at(-1), 'release');
  } finally {
    void r.svc.stop();
  }
});

test('exclusive receiver: a hold request that gets no answer (timeout) is released, never left granted', async (t) => {
  const r = await rig({ exclusive: true });
  try {
    r.hold.failCode = 'ACTOR_TIMEOUT';
    const a = ask(r, { type: 'modem.gnss.fix', timeoutMs: 30_000 });
    await advance(r.clock, 100);
    t.is(a()?.code, 'ACTOR_TIMEOUT');
    t.is(r.rf.at(-1), 'release', 'a late grant is given back');
    t.false(r.sim.sky.running);
  } finally {
    void r.svc.stop();
  }
});
