// types.ts: what a modem's GNSS receiver is to the driver: a profile's GNSS dialect (start, stop, fixes, assistance)
// and a fix.
import type { AtChannel } from '../at-channel.js';
import type { AtStep, SocketTimeouts } from '../profiles/types.js';

/** One position fix as the receiver reports it (units converted to SI; absent: the modem did not report it). */
export interface GnssFix {
  /** Degrees, WGS84, north positive. */
  latitude: number;
  /** Degrees, WGS84, east positive. */
  longitude: number;
  /** Metres above the WGS84 ellipsoid or mean sea level, as the modem reports. */
  altitudeM?: number;
  /** Horizontal accuracy in metres (the modem's own estimate; HDOP × 5 m where it reports HDOP only). */
  accuracyM?: number;
  /** Ground speed in m/s. */
  speedMps?: number;
  /** Course over ground in degrees from true north. */
  headingDeg?: number;
  /** UTC time of the fix, ms since the epoch. */
  utcMs: number;
  /** Satellites used in the fix. */
  satellites?: number;
}

/**
 * The assistance data a receiver takes: nRF Cloud A-GNSS binary (nRF91: what the /33625 service sends for assistance
 * type 0) or a Qualcomm XTRA file (BG95, SIM7080).
 */
export type GnssAssistanceFormat = 'nrf-cloud-agnss' | 'xtra';

/** What the receiver says it lacks; `ephemeris` true: a fix will be slow (cold start) without assistance. */
export interface GnssNeed {
  ephemeris: boolean;
  time?: boolean;
  position?: boolean;
  /** The injected assistance is valid until this time (ms since the epoch), when the modem reports it. */
  validUntilMs?: number;
}

/**
 * How GNSS shares the RF with LTE. 'exclusive': one at a time (BG95, SIM7080): no LTE traffic while a fix runs, the
 * receiver is stopped before LTE is used again. 'lte-idle': GNSS runs while LTE is idle (RRC idle, PSM or eDRX gaps:
 * nRF91); LTE traffic pauses the receiver, which resumes by itself.
 */
export type RfSharing = 'exclusive' | 'lte-idle';

/** One fix attempt: give up after `timeoutMs`; `accuracyM`: a fix less accurate than this is not yet the answer. */
export interface GnssOptions {
  timeoutMs: number;
  accuracyM?: number;
}

/**
 * A profile's GNSS commands, from the vendor's AT manual (docs/modem.md names the manual and the sections). The URC
 * prefixes of its commands belong in the profile's `urcPrefixes`.
 */
export interface GnssDialect {
  readonly rf: RfSharing;
  readonly assistanceFormat: GnssAssistanceFormat;
  /** Turns the receiver on for one fix attempt. */
  start(o: GnssOptions): AtStep[];
  /** Turns it off (after a fix, a timeout or an abort), so the RF goes back to LTE. */
  stop(): AtStep[];
  /** A fix read by polling: the command, how often, and its parser (undefined: no fix yet). */
  readonly poll?: AtStep & { intervalMs: number; parse(lines: string[]): GnssFix | undefined };
  /** A fix reported by a URC: the pattern and its parser (undefined: a URC saying there is no fix yet). */
  readonly fixUrc?: { re: RegExp; parse(line: string): GnssFix | undefined };
  /** Asks the receiver what assistance it lacks. */
  readonly need?: AtStep & { parse(lines: string[]): GnssNeed };
  /** Injects assistance data (in `assistanceFormat`); rejects with GNSS_INJECT_FAILED carrying the modem's error. */
  inject?(ch: AtChannel, data: Uint8Array, t: SocketTimeouts): Promise<void>;
}
