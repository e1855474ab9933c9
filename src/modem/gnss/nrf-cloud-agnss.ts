// nrf-cloud-agnss.ts: nRF Cloud A-GNSS binary data (schema v1): checked before it goes to an nRF91; built for tests.
// Layout (sdk-nrf subsys/net/lib/nrf_cloud/include/nrf_cloud_agnss_schema_v1.h, parsed by nrf_cloud_agnss_process()):
// a schema version byte (1), then elements: a type byte, a little-endian uint16 count, then `count` packed structs of
// the type's size. The system clock element is 16 bytes in the stream (its struct without the 32 TOW entries, + 4).
import { CodedError } from '../../errors.js';

/** Element types of `enum nrf_cloud_agnss_type` (10 is reserved for prediction data and is not A-GNSS). */
export const AGNSS_TYPE = {
  gpsUtc: 1,
  gpsEphemerides: 2,
  gpsAlmanac: 3,
  klobuchar: 4,
  nequick: 5,
  gpsTows: 6,
  gpsSystemClock: 7,
  location: 8,
  gpsIntegrity: 9,
  qzssAlmanac: 11,
  qzssEphemerides: 12,
  qzssIntegrity: 13,
} as const;
export type AgnssTypeName = keyof typeof AGNSS_TYPE;

/** Bytes per element of each type in the stream, and how many elements one block may hold. */
const LAYOUT: Record<number, { name: AgnssTypeName; size: number; max: number; sv?: 'gps' | 'qzss' }> = {
  1: { name: 'gpsUtc', size: 14, max: 1 },
  2: { name: 'gpsEphemerides', size: 62, max: 32, sv: 'gps' },
  3: { name: 'gpsAlmanac', size: 31, max: 32, sv: 'gps' },
  4: { name: 'klobuchar', size: 8, max: 1 },
  5: { name: 'nequick', size: 8, max: 1 },
  6: { name: 'gpsTows', size: 4, max: 32, sv: 'gps' },
  7: { name: 'gpsSystemClock', size: 16, max: 1 },
  8: { name: 'location', size: 15, max: 1 },
  9: { name: 'gpsIntegrity', size: 4, max: 1 },
  11: { name: 'qzssAlmanac', size: 31, max: 10, sv: 'qzss' },
  12: { name: 'qzssEphemerides', size: 62, max: 10, sv: 'qzss' },
  13: { name: 'qzssIntegrity', size: 4, max: 1 },
};

/** Satellite ids: GPS PRN 1–32, QZSS PRN 193–202 (the first byte of each ephemeris, almanac and TOW element). */
const SV_RANGE = { gps: [1, 32], qzss: [193, 202] } as const;

export const AGNSS_SCHEMA_VERSION = 1;

/** What a valid A-GNSS buffer holds. */
export interface AgnssSummary {
  /** Element count per type, in stream order of first appearance. */
  elements: Partial<Record<AgnssTypeName, number>>;
  /** GPS + QZSS ephemerides: a fix without downloading them from the satellites. */
  ephemerides: number;
  /** GPS system time is in it (the receiver need not decode it from the sky). */
  time: boolean;
  /** An approximate position is in it. */
  position: boolean;
}

const bad = (message: string, at?: number): CodedError =>
  new CodedError('GNSS_BAD_ASSISTANCE', `nRF Cloud A-GNSS data: ${message}`, at === undefined ? undefined : { at });

/**
 * Checks `data` as nRF Cloud A-GNSS binary schema v1 and summarises it; throws GNSS_BAD_ASSISTANCE (with the offset)
 * on anything nrf_cloud_agnss_process() would refuse or misread: another schema version, an nRF Cloud JSON error
 * message, an unknown type, a zero count, a truncated element, a satellite id out of range (the library indexes its
 * TOW table by it), or no element at all.
 */
export function decodeNrfCloudAgnss(data: Uint8Array): AgnssSummary {
  if (data.length === 0) throw bad('empty');
  if (data[0] === 0x7b) throw bad('a JSON message (nRF Cloud error answer), not A-GNSS data', 0);
  if (data[0] !== AGNSS_SCHEMA_VERSION) throw bad(`schema version ${data[0]}, expected ${AGNSS_SCHEMA_VERSION}`, 0);
  const out: AgnssSummary = { elements: {}, ephemerides: 0, time: false, position: false };
  let at = 1;
  while (at < data.length) {
    if (data.length - at < 3) throw bad('truncated element header', at);
    const type = data[at] ?? 0;
    const count = (data[at + 1] ?? 0) | ((data[at + 2] ?? 0) << 8);
    const l = LAYOUT[type];
    if (!l) throw bad(`unknown element type ${type}`, at);
    if (count === 0 || count > l.max) throw bad(`${l.name}: count ${count} (1..${l.max})`, at);
    const body = at + 3;
    if (data.length - body < count * l.size) throw bad(`${l.name}: ${count} elements do not fit`, at);
    if (l.sv) {
      const [lo, hi] = SV_RANGE[l.sv];
      for (let i = 0; i < count; i++) {
        const sv = data[body + i * l.size] ?? 0;
        if (sv < lo || sv > hi) throw bad(`${l.name}: satellite id ${sv} (${lo}..${hi})`, body + i * l.size);
      }
    }
    out.elements[l.name] = (out.elements[l.name] ?? 0) + count;
    if (type === AGNSS_TYPE.gpsEphemerides || type === AGNSS_TYPE.qzssEphemerides) out.ephemerides += count;
    if (type === AGNSS_TYPE.gpsSystemClock) out.time = true;
    if (type === AGNSS_TYPE.location) out.position = true;
    at = body + count * l.size;
  }
  if (at === 1) throw bad('no element');
  return out;
}

/** What to put in a built A-GNSS buffer (element contents are zero apart from the satellite ids: for tests, demos). */
export interface AgnssContent {
  /** GPS satellites with an ephemeris. */
  ephemerides?: number[];
  almanacs?: number[];
  /** GPS system time (days since 1980-01-06, seconds of the day). */
  systemClock?: { day: number; s: number };
  /** Approximate position (degrees). */
  location?: { latitude: number; longitude: number };
  utc?: boolean;
}

/** Builds schema v1 A-GNSS data as nRF Cloud lays it out. */
export function buildNrfCloudAgnss(c: AgnssContent): Uint8Array {
  const blocks: Buffer[] = [Buffer.of(AGNSS_SCHEMA_VERSION)];
  const block = (type: number, bodies: Buffer[]): void => {
    const h = Buffer.alloc(3);
    h.writeUInt8(type, 0);
    h.writeUInt16LE(bodies.length, 1);
    blocks.push(h, ...bodies);
  };
  const perSv = (type: number, svs: number[]): void =>
    block(
      type,
      svs.map((sv) => {
        const b = Buffer.alloc(LAYOUT[type]?.size ?? 0);
        b.writeUInt8(sv, 0);
        return b;
      }),
    );
  if (c.utc) block(AGNSS_TYPE.gpsUtc, [Buffer.alloc(14)]);
  if (c.ephemerides?.length) perSv(AGNSS_TYPE.gpsEphemerides, c.ephemerides);
  if (c.almanacs?.length) perSv(AGNSS_TYPE.gpsAlmanac, c.almanacs);
  if (c.systemClock) {
    const b = Buffer.alloc(16);
    b.writeUInt16LE(c.systemClock.day, 0);
    b.writeUInt32LE(c.systemClock.s, 2);
    block(AGNSS_TYPE.gpsSystemClock, [b]);
  }
  if (c.location) {
    // nrf_modem_gnss_agnss_data_location coding: latitude N = lat / 90 × 2^23, longitude N = lon / 360 × 2^24.
    const b = Buffer.alloc(15);
    b.writeInt32LE(Math.round((c.location.latitude / 90) * 2 ** 23), 0);
    b.writeInt32LE(Math.round((c.location.longitude / 360) * 2 ** 24), 4);
    block(AGNSS_TYPE.location, [b]);
  }
  return new Uint8Array(Buffer.concat(blocks));
}
