// modem-serial.test.ts: modem.kind serial under the real runtime: the port is opened on the main thread (socat pty),
// bridged into the modem actor's worker, and handed over again after a restart.
import test from 'ava';
import { Runtime } from '../../src/runtime/runtime.js';
import { defaultConfig } from '../../src/runtime/config.js';
import { attachModemSerial } from '../../src/cli/modem-serial.js';
import { ModemEmulator } from '../support/modem-emulator.js';
import { ptyPair } from '../support/modem-emulator-pty.js';
import { supervisor, tmpState } from './helpers.js';
import { immediateClock } from '../support/sim-timers.js';
import { pollUntil } from '../support/poll.js';

const modemModule = new URL('../../src/actors/modem.actor.js', import.meta.url).href;

const until = (f: () => Promise<boolean>, ms = 15_000): Promise<boolean> =>
  pollUntil(
    () => f().catch(() => false),
    (ok) => ok,
    ms,
    50,
  );

test('the modem actor in its worker attaches to the serial port through the main-thread bridge and comes up', async (t) => {
  const pty = await ptyPair();
  const emu = await ModemEmulator.start(pty.a, 'generic');
  const base = defaultConfig();
  const modem = {
    ...base.modem,
    kind: 'serial' as const,
    port: pty.b,
    apn: 'iot.test',
    timeouts: {
      ...base.modem.timeouts,
      commandMs: 1000,
      longCommandMs: 2000,
      attachMs: 3000,
      retryMs: 200,
      cfunCycleMs: 20,
      lossGraceMs: 300,
    },
  };
  const fullConfig = { ...base, modem };
  const rt = new Runtime({
    actors: [{ name: 'modem', moduleUrl: modemModule, options: { ...modem } }],
    placement: 'per-actor',
    supervisor,
    stateDir: tmpState(),
    clock: immediateClock(),
    logLevel: 'silent',
    fullConfig,
  });
  let opened = 0;
  const serial = attachModemSerial(rt, { path: pty.b, baudRate: 115200 });
  rt.on('ready', (n: string) => {
    if (n === 'modem') opened++;
  });
  try {
    await rt.start();
    const up = await until(async () => (await rt.request<{ up: boolean }>('modem', { type: 'modem.status' })).up);
    t.true(up, 'modem reports the network up over the bridged serial port');
    t.true(opened >= 1);
  } finally {
    await serial.close();
    await rt.stop();
    await emu.close();
    pty.close();
  }
});
