// sky.ts: the emulated GNSS sky: where the antenna is, whether it sees satellites, how long a fix takes cold or
// assisted.

/**
 * XTRA contents are proprietary: the emulations take any non-empty file up to this size as valid XTRA data (a real
 * file is 30–60 KiB).
 */
export const XTRA_MAX_BYTES = 128 * 1024;

/** A fix as the sky gives it; each family's emulation formats it in its modem's answer. */
export interface SkyFix {
  latitude: number;
  longitude: number;
  altitudeM: number;
  accuracyM: number;
  speedMps: number;
  headingDeg: number;
  utcMs: number;
  satellites: number;
}

/**
 * One receiver under one sky. A fix comes `ttffColdMs` after the receiver was turned on, or `ttffAssistedMs` when valid
 * assistance was injected; never while `indoors`. Times come from `now` (wall time by default, a simulated clock in
 * benches).
 */
export class Sky {
  latitude = 52.52;
  longitude = 13.405;
  altitudeM = 34;
  accuracyM = 8;
  speedMps = 0;
  headingDeg = 0;
  satellites = 9;
  /** Time to first fix without assistance (a cold start: the ephemerides are downloaded from the satellites). */
  ttffColdMs = 3000;
  /** Time to first fix with valid assistance data injected. */
  ttffAssistedMs = 400;
  /** No satellite in view: the receiver never fixes. */
  indoors = false;
  /** Injected assistance is valid until this time (undefined: none injected). */
  assistedUntil: number | undefined;
  /** How long injected assistance stays valid (ephemerides: about 4 hours). */
  assistanceValidMs = 4 * 3600_000;
  private startedAt: number | undefined;

  constructor(readonly now: () => number = Date.now) {}

  /** The receiver is turned on (again: keeps its start time). */
  start(): void {
    this.startedAt ??= this.now();
  }

  stop(): void {
    this.startedAt = undefined;
  }

  get running(): boolean {
    return this.startedAt !== undefined;
  }

  /** Assistance data was injected: the next fixes come after ttffAssistedMs. */
  inject(): void {
    this.assistedUntil = this.now() + this.assistanceValidMs;
  }

  /** Valid assistance is held. */
  get assisted(): boolean {
    return this.assistedUntil !== undefined && this.now() < this.assistedUntil;
  }

  /** Ms from now until the fix comes (0: there is one now; undefined: off or indoors, never). */
  msToFix(): number | undefined {
    if (this.startedAt === undefined || this.indoors) return undefined;
    const ttff = this.assisted ? this.ttffAssistedMs : this.ttffColdMs;
    return Math.max(0, this.startedAt + ttff - this.now());
  }

  /** The fix now, or undefined (off, indoors, or still acquiring). */
  fix(): SkyFix | undefined {
    if (this.msToFix() !== 0) return undefined;
    const { latitude, longitude, altitudeM, accuracyM, speedMps, headingDeg, satellites } = this;
    return { latitude, longitude, altitudeM, accuracyM, speedMps, headingDeg, satellites, utcMs: this.now() };
  }
}
