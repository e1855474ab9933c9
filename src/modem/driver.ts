// driver.ts: ModemDriver, what the modem machine drives (an AT modem over serial, or the simulated modem), and
// connectivity values.
import type { Registration } from './parse.js';
import type { GnssAssistanceFormat, GnssFix, GnssNeed, GnssOptions, RfSharing } from './gnss/types.js';
import type { CellInfo, NeighbourCell } from './profiles/types.js';

/**
 * modem.reg: a +CEREG URC; modem.data-lost: the PDP / IP context went down while attached (profile.pdpLost);
 * modem.link-closed: the port closed.
 */
export type DriverEvent =
  | { type: 'modem.reg'; reg: Registration }
  | { type: 'modem.data-lost'; reason: string }
  | { type: 'modem.link-closed'; reason: string };

export interface PowerOnInfo {
  model: string;
  profile: string;
}

/**
 * What identification found: `identified` false when the modem gave no model (the generic profile stands in);
 * `changed`: the profile differs from the one in use.
 */
export interface Identification extends PowerOnInfo {
  identified: boolean;
  changed: boolean;
}

export interface DataInfo {
  ips: string[];
  apn: string;
}

/** A snapshot of radio data for object 4. */
export interface RadioSnapshot extends CellInfo {
  /** Access technology in use. */
  mode: 'lte-m' | 'nb-iot';
}

/** Serving cell plus neighbour cells, for location assistance ('modem.cell-measurements'). */
export interface CellMeasurements {
  serving: RadioSnapshot;
  neighbours: NeighbourCell[];
}

export interface ModemDriver {
  readonly kind: 'serial' | 'simulated';
  /** AT probe (and profile detection, init commands). */
  powerOn(): Promise<PowerOnInfo>;
  /**
   * Asks the modem what it is again (AT+CGMM, ATI) and switches to the matching profile (profile: auto). Called on
   * every recovery: a modem that answered ERROR at boot is identified once it works. Absent: nothing to identify.
   */
  identify?(): Promise<Identification>;
  /** Resolves when the SIM is ready (+CPIN: READY); rejects with SIM_NOT_READY / AT_CME_ERROR. */
  simReady(): Promise<void>;
  /** Radio off, mode / bands / operator / PSM / eDRX / PDP definition, radio on. */
  configureRadio(): Promise<void>;
  /** Current registration (AT+CEREG?). */
  registration(): Promise<Registration>;
  /** PDP / IP context up; returns the addresses. */
  activateData(): Promise<DataInfo>;
  /** Signal and cell data. */
  readRadio(): Promise<RadioSnapshot>;
  /** Serving + neighbour cell measurements (optional: drivers without it answer MODEM_NO_CELL_MEASUREMENTS). */
  cellMeasurements?(): Promise<CellMeasurements>;
  /** The GNSS receiver's RF sharing and assistance format; undefined: this modem (profile) drives no GNSS. */
  gnssInfo?(): { rf: RfSharing; assistanceFormat: GnssAssistanceFormat } | undefined;
  /**
   * One GNSS fix attempt (rejects MODEM_NO_GNSS, GNSS_TIMEOUT, GNSS_ABORTED); the receiver is off again when it
   * settles.
   */
  gnssFix?(o: GnssOptions, signal?: AbortSignal): Promise<GnssFix>;
  /** What assistance the receiver lacks (rejects MODEM_NO_GNSS). */
  gnssNeed?(): Promise<GnssNeed>;
  /** Injects assistance data in the format gnssInfo() names (rejects MODEM_NO_GNSS, GNSS_INJECT_FAILED). */
  gnssInject?(data: Uint8Array): Promise<void>;
  /** Recovery: 'cfun' cycles CFUN=0/1; 'reset' pulses the reset GPIO (then the modem needs powerOn again). */
  recover(level: 'cfun' | 'reset'): Promise<void>;
  readonly canHardReset: boolean;
  onEvent(listener: (ev: DriverEvent) => void): void;
  close(): void;
}

/** LwM2M object 4 (Connectivity Monitoring) resource 0/1 bearer enumeration: 6 LTE-FDD (LTE-M), 7 NB-IoT. */
export const BEARER = { 'lte-m': 6, 'nb-iot': 7 } as const;

/** Link quality 0..100 from RSRP (-140 dBm → 0, -44 dBm → 100). */
export function linkQuality(dbm: number | undefined): number | undefined {
  if (dbm === undefined) return undefined;
  return Math.max(0, Math.min(100, Math.round(((dbm + 140) / 96) * 100)));
}

/** Object 4 values (resource id → value) from radio and data snapshots. */
export function connectivityValues(
  r: RadioSnapshot | undefined,
  d: DataInfo | undefined,
  reg?: Registration,
): Record<number, unknown> {
  const v: Record<number, unknown> = {};
  if (r) {
    v[0] = BEARER[r.mode];
    v[1] = [BEARER['lte-m'], BEARER['nb-iot']];
    if (r.dbm !== undefined) v[2] = r.dbm;
    const q = linkQuality(r.dbm);
    if (q !== undefined) v[3] = q;
    if (r.ci !== undefined) v[8] = r.ci;
    if (r.mnc !== undefined) v[9] = r.mnc;
    if (r.mcc !== undefined) v[10] = r.mcc;
    if (r.lac !== undefined) v[12] = r.lac;
  }
  // Cell ID (res 8) and LAC/TAC (res 12) from the +CEREG registration (hex <ci> / <tac>) when the cell query gave none.
  const hex = (x: string | undefined): number | undefined =>
    x !== undefined && /^[0-9A-Fa-f]{1,8}$/.test(x) ? Number.parseInt(x, 16) : undefined;
  const ci = hex(reg?.ci);
  const tac = hex(reg?.tac);
  if (v[8] === undefined && ci !== undefined) v[8] = ci;
  if (v[12] === undefined && tac !== undefined) v[12] = tac;
  if (d) {
    v[4] = d.ips;
    v[7] = d.apn ? [d.apn] : [];
  }
  return v;
}
