// recovery-backoff.test.ts: the modem machine on a SimulatedClock: repeated recoveries (asked for, or failing) wait
// longer each time, up to the cap, with jitter; a stable link starts over; every recovery identifies the modem.
import test from 'ava';
import { createActor, SimulatedClock } from 'xstate';
import { CodedError } from '../../src/errors.js';
import { parseModemConfig, type ModemConfig } from '../../src/modem/config-schema.js';
import type {
  DataInfo,
  DriverEvent,
  Identification,
  ModemDriver,
  PowerOnInfo,
  RadioSnapshot,
} from '../../src/modem/driver.js';
import { retryDelayMs, type ModemMachine, type ModemOutput } from '../../src/modem/machine.js';
import { modemMachineFor, modemInput } from '../../src/actors/modem.actor.js';
import type { Registration } from '../../src/modem/parse.js';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 50; i++) await Promise.resolve();
};

async function advance(clock: SimulatedClock, ms: number, step = 100): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.increment(step);
    await flush();
  }
}

/**
 * A modem that attaches at once; `cfunFails` makes every CFUN cycle fail. Notes the simulated time of each recovery and
 * identification.
 */
class FakeModem implements ModemDriver {
  readonly kind = 'serial' as const;
  readonly canHardReset = false;
  cfunFails = false;
  readonly recoveries: number[] = [];
  readonly identifications: number[] = [];
  constructor(private readonly clock: SimulatedClock) {}
  powerOn(): Promise<PowerOnInfo> {
    return Promise.resolve({ model: 'X', profile: 'generic' });
  }
  identify(): Promise<Identification> {
    this.identifications.push(this.clock.now());
    return Promise.resolve({ model: 'X', profile: 'generic', identified: true, changed: false });
  }
  simReady(): Promise<void> {
    return Promise.resolve();
  }
  configureRadio(): Promise<void> {
    return Promise.resolve();
  }
  registration(): Promise<Registration> {
    return Promise.resolve({ stat: 1 });
  }
  activateData(): Promise<DataInfo> {
    return Promise.resolve({ ips: ['10.0.0.5'], apn: '' });
  }
  readRadio(): Promise<RadioSnapshot> {
    return Promise.resolve({ mode: 'lte-m', dbm: -90 });
  }
  recover(): Promise<void> {
    this.recoveries.push(this.clock.now());
    return this.cfunFails ? Promise.reject(new CodedError('AT_TIMEOUT', 'AT+CFUN=0: no answer')) : Promise.resolve();
  }
  onEvent(_l: (ev: DriverEvent) => void): void {
    /* no URCs */
  }
  close(): void {
    /* nothing */
  }
}

function start(
  cfg: ModemConfig,
  random: () => number,
): {
  clock: SimulatedClock;
  driver: FakeModem;
  actor: ReturnType<typeof createActor<ModemMachine>>;
  out: ModemOutput[];
} {
  const clock = new SimulatedClock();
  const driver = new FakeModem(clock);
  const out: ModemOutput[] = [];
  const actor = createActor(modemMachineFor(driver, random), { input: modemInput(driver, cfg), clock });
  actor.on('*', (m) => {
    if (m.type !== 'modem.poll-failed') out.push(m);
  });
  actor.start();
  return { clock, driver, actor, out };
}

const gaps = (xs: number[]): number[] => xs.slice(1).map((x, i) => x - (xs[i] ?? 0));

const cfg = parseModemConfig({
  kind: 'serial',
  retryJitter: 0.2,
  timeouts: { retryMs: 1000, retryMaxMs: 8000, stableMs: 60_000, cfunCycleMs: 0 },
});

test('retryDelayMs: doubles from retryMs, capped at retryMaxMs, jitter only shortens (by up to retryJitter)', (t) => {
  t.deepEqual(
    [1, 2, 3, 4, 5, 6, 20].map((n) => retryDelayMs(n, cfg, () => 0)),
    [1000, 2000, 4000, 8000, 8000, 8000, 8000],
  );
  t.deepEqual(
    [1, 4, 9].map((n) => retryDelayMs(n, cfg, () => 0.999999)),
    [800, 6400, 6400],
  );
  for (let n = 1; n < 30; n++) t.true(retryDelayMs(n, cfg) <= 8000);
});

test('a client asking for modem.reconnect again and again: the first recovery at once, then 1, 2, 4, 8, 8 s apart; after a stable minute, at once again', async (t) => {
  const { clock, driver, actor } = start(cfg, () => 0);
  await flush();
  t.deepEqual(actor.getSnapshot().value, { online: 'idle' });
  // each time the link is up again, the client's next failure asks for another reconnect
  for (let i = 0; i < 6; i++) {
    actor.send({ type: 'modem.reconnect' });
    await flush();
    await advance(clock, 9000);
    t.deepEqual(actor.getSnapshot().value, { online: 'idle' }, `up again after recovery ${i + 1}`);
  }
  t.deepEqual(
    driver.recoveries.map((x, i) => x - i * 9000),
    [0, 1000, 2000, 4000, 8000, 8000],
    'the wait before each recovery: 0, 1, 2, 4, 8, 8 s',
  );
  t.is(driver.identifications.length, 6, 'every recovery identifies the modem');
  // a stable link (stableMs online) starts the backoff over
  await advance(clock, 61_000);
  const before = clock.now();
  actor.send({ type: 'modem.reconnect' });
  await flush();
  t.is(driver.recoveries.at(-1), before, 'at once after a stable minute');
  actor.stop();
});

test('CFUN cycles that keep failing: the waits between them grow to the cap, jittered by up to 20 %', async (t) => {
  for (const [random, expected] of [
    [() => 0, [1000, 2000, 4000, 8000, 8000]],
    [() => 0.5, [900, 1800, 3600, 7200, 7200]],
  ] as const) {
    const { clock, driver, actor, out } = start(cfg, random);
    await flush();
    driver.cfunFails = true;
    actor.send({ type: 'modem.reconnect' });
    await advance(clock, 40_000, 50);
    t.deepEqual(gaps(driver.recoveries).slice(0, 5), [...expected]);
    t.true(
      out.filter((m) => m.type === 'network.error').every((m) => m.type === 'network.error' && m.code === 'AT_TIMEOUT'),
    );
    driver.cfunFails = false;
    await advance(clock, 9000);
    t.deepEqual(actor.getSnapshot().value, { online: 'idle' }, 'back once the modem answers');
    actor.stop();
  }
});
