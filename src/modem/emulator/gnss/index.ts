// index.ts: the GNSS emulation of each modem family (its AT commands over the shared Sky), chosen by the emulator's
// profile.
import type { EmulatedProfile } from '../emulator.js';
import type { Sky } from '../sky.js';
import { bg95GnssEmulation } from './bg95.js';
import { nrf91GnssEmulation } from './nrf91.js';
import { sim7080GnssEmulation } from './sim7080.js';

/** What a family's GNSS emulation may do on the serial line (the emulator's own writers). */
export interface EmulatorIo {
  /** Final result lines only (e.g. 'OK', 'ERROR', '+CME ERROR: 505'). */
  reply(...lines: string[]): void;
  /** Information lines, then OK. */
  info(lines: string | string[], cmd: string): void;
  /** An unsolicited result code. */
  urc(line: string): void;
  /** Raw bytes (a prompt such as '> ', a binary answer). */
  answer(data: Buffer | string): void;
  /** The next `length` bytes from the host are data for the command (after a prompt), not command lines. */
  expectPayload(length: number, done: (data: Buffer) => void): void;
}

/** One family's GNSS commands; `handle` returns false for a command that is not a GNSS command of the family. */
export interface GnssEmulation {
  handle(cmd: string): boolean;
  /** Stops its timers (the emulator closes). */
  dispose?(): void;
}

export type GnssEmulationFactory = (sky: Sky, io: EmulatorIo) => GnssEmulation;

/** The families with GNSS emulated; one entry per family's module. */
export const GNSS_EMULATIONS: Partial<Record<EmulatedProfile, GnssEmulationFactory>> = {
  bg95: bg95GnssEmulation,
  nrf91: nrf91GnssEmulation,
  sim7080: sim7080GnssEmulation,
};
