// pty-helpers.ts: shared setup for the pty tests: socat pair, emulator on one end, the real serialport stack and modem
// service on the other.
import { createActor } from 'xstate';
import type { ModemSocketError, ModemSocketRx } from '../../src/messages/index.js';
import { backgroundClock } from '../../src/clock.js';
import { startModemService, type ModemService, type ModemServiceOptions } from '../../src/actors/modem.actor.js';
import { parseModemConfig, type ModemConfig } from '../../src/modem/config-schema.js';
import type { ModemOutput } from '../../src/modem/machine.js';
import { openSerialLink } from '../../src/modem/serial-link.js';
import { AtModemDriver } from '../../src/modem/at-driver.js';
import { ModemEmulator, type EmulatedProfile } from '../support/modem-emulator.js';
import { ptyPair, type PtyPair } from '../support/modem-emulator-pty.js';
import { settledWithin, waitFor } from '../support/poll.js';

export interface RigLog {
  debug(o: object, m?: string): void;
  info(o: object, m?: string): void;
  warn(o: object, m?: string): void;
}
export const quietLog: RigLog = { debug: () => undefined, info: () => undefined, warn: () => undefined };

export interface Rig {
  pty: PtyPair;
  emu: ModemEmulator;
  svc: ModemService;
  out: ModemOutput[];
  /** Messages the service delivered to the socket actor (modem.socket.rx / .error). */
  delivered: (ModemSocketRx | ModemSocketError)[];
  cfg: ModemConfig;
  close(): Promise<void>;
}

export async function rig(
  profile: EmulatedProfile,
  cfgRaw: Record<string, unknown> = {},
  prepare?: (emu: ModemEmulator) => void,
  hardReset?: (emu: ModemEmulator) => Promise<void>,
  log: RigLog = quietLog,
  /** The client's side of the RF hold (an exclusive GNSS receiver's fix asks it). */
  rf?: ModemServiceOptions['rf'],
): Promise<Rig> {
  const pty = await ptyPair();
  const emu = await ModemEmulator.start(pty.a, profile);
  prepare?.(emu);
  const { timeouts, ...rest } = cfgRaw;
  const cfg = parseModemConfig({
    kind: 'serial',
    port: pty.b,
    apn: 'iot.test',
    ...rest,
    timeouts: {
      commandMs: 1000,
      longCommandMs: 2000,
      attachMs: 3000,
      retryMs: 200,
      cfunCycleMs: 20,
      signalIntervalMs: 60_000,
      lossGraceMs: 300,
      ...(timeouts as object | undefined),
    },
  });
  const link = await openSerialLink({ path: pty.b, baudRate: 115200 });
  const out: ModemOutput[] = [];
  const delivered: (ModemSocketRx | ModemSocketError)[] = [];
  const svc = startModemService({
    config: cfg,
    timers: backgroundClock,
    link,
    log,
    emit: (m) => out.push(m),
    deliver: (m) => delivered.push(m),
    ...(hardReset ? { hardReset: () => hardReset(emu) } : {}),
    startActor: (machine, input) => createActor(machine, { input }).start(),
    ...(rf ? { rf } : {}),
  });
  return {
    pty,
    emu,
    svc,
    out,
    delivered,
    cfg,
    async close() {
      await svc.stop();
      await emu.close();
      pty.close();
    },
  };
}

/** The kit's waitFor (test/support/poll.ts) with the modem tests' argument order. */
export function until(pred: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  return waitFor(pred, { timeoutMs: ms, what });
}

/** Resolves when the driver's AT channel has routed a URC matching `re` (listen before making the emulator send it). */
export function urcSeen(r: Rig, re: RegExp, ms = 5000): Promise<void> {
  const driver = r.svc.driver();
  if (!(driver instanceof AtModemDriver)) return Promise.reject(new Error('not an AT driver'));
  let off = (): void => undefined;
  const seen = new Promise<boolean>((resolve) => {
    off = driver.channel.onUrc((line) => {
      if (!re.test(line)) return;
      // after the socket's own listener (registered earlier) has seen it too
      setImmediate(() => {
        off();
        resolve(true);
      });
    });
  });
  return settledWithin(seen, ms, false).then((ok) => {
    if (ok) return;
    off();
    throw new Error(`timed out waiting for the URC ${re}`);
  });
}
