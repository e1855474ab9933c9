// agnss.ts: nRF Cloud A-GNSS binary data, schema version 1 (sdk-nrf nrf_cloud_agnss_schema_v1.h): an encoder for a
// plausible GPS sky at a time and place, and a decoder (what nrf_cloud_agnss_process reads back).

/** NRF_CLOUD_AGNSS_BIN_SCHEMA_VERSION. */
export const AGNSS_SCHEMA_VERSION = 1;

/** enum nrf_cloud_agnss_type (the GPS ones this encoder writes, and the TOW array it can read). */
export const AgnssType = {
  GPS_UTC_PARAMETERS: 1,
  GPS_EPHEMERIDES: 2,
  GPS_ALMANAC: 3,
  KLOBUCHAR_CORRECTION: 4,
  NEQUICK_CORRECTION: 5,
  GPS_TOWS: 6,
  GPS_SYSTEM_CLOCK: 7,
  LOCATION: 8,
  GPS_INTEGRITY: 9,
} as const;

type Kind = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32';
type Layout = readonly (readonly [string, Kind])[];
const SIZE: Record<Kind, number> = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4 };

/** The packed (little-endian, as on the nRF91) structs of the header, field by field in order. */
const LAYOUTS: Readonly<Record<number, Layout>> = {
  [AgnssType.GPS_UTC_PARAMETERS]: [
    ['a1', 'i32'],
    ['a0', 'i32'],
    ['tot', 'u8'],
    ['wn_t', 'u8'],
    ['delta_tls', 'i8'],
    ['wn_lsf', 'u8'],
    ['dn', 'i8'],
    ['delta_tlsf', 'i8'],
  ],
  [AgnssType.GPS_EPHEMERIDES]: [
    ['sv_id', 'u8'],
    ['health', 'u8'],
    ['iodc', 'u16'],
    ['toc', 'u16'],
    ['af2', 'i8'],
    ['af1', 'i16'],
    ['af0', 'i32'],
    ['tgd', 'i8'],
    ['ura', 'u8'],
    ['fit_int', 'u8'],
    ['toe', 'u16'],
    ['w', 'i32'],
    ['delta_n', 'i16'],
    ['m0', 'i32'],
    ['omega_dot', 'i32'],
    ['e', 'u32'],
    ['idot', 'i16'],
    ['sqrt_a', 'u32'],
    ['i0', 'i32'],
    ['omega0', 'i32'],
    ['crs', 'i16'],
    ['cis', 'i16'],
    ['cus', 'i16'],
    ['crc', 'i16'],
    ['cic', 'i16'],
    ['cuc', 'i16'],
  ],
  [AgnssType.GPS_ALMANAC]: [
    ['sv_id', 'u8'],
    ['wn', 'u8'],
    ['toa', 'u8'],
    ['ioda', 'u8'],
    ['e', 'u16'],
    ['delta_i', 'i16'],
    ['omega_dot', 'i16'],
    ['sv_health', 'u8'],
    ['sqrt_a', 'u32'],
    ['omega0', 'i32'],
    ['w', 'i32'],
    ['m0', 'i32'],
    ['af0', 'i16'],
    ['af1', 'i16'],
  ],
  [AgnssType.KLOBUCHAR_CORRECTION]: [
    ['alpha0', 'i8'],
    ['alpha1', 'i8'],
    ['alpha2', 'i8'],
    ['alpha3', 'i8'],
    ['beta0', 'i8'],
    ['beta1', 'i8'],
    ['beta2', 'i8'],
    ['beta3', 'i8'],
  ],
  [AgnssType.NEQUICK_CORRECTION]: [
    ['ai0', 'i16'],
    ['ai1', 'i16'],
    ['ai2', 'i16'],
    ['storm_cond', 'u8'],
    ['storm_valid', 'u8'],
  ],
  [AgnssType.GPS_TOWS]: [
    ['sv_id', 'u8'],
    ['tlm', 'u16'],
    ['flags', 'u8'],
  ],
  // nrf_cloud_agnss_system_time without its sv_tow array, plus 4 bytes: the SDK's parser steps over
  // `sizeof(struct) - sizeof(sv_tow) + 4` (the TOWs come as their own type 6 array).
  [AgnssType.GPS_SYSTEM_CLOCK]: [
    ['date_day', 'u16'],
    ['time_full_s', 'u32'],
    ['time_frac_ms', 'u16'],
    ['sv_mask', 'u32'],
    ['reserved', 'u32'],
  ],
  [AgnssType.LOCATION]: [
    ['latitude', 'i32'],
    ['longitude', 'i32'],
    ['altitude', 'i16'],
    ['unc_semimajor', 'u8'],
    ['unc_semiminor', 'u8'],
    ['orientation_major', 'u8'],
    ['unc_altitude', 'u8'],
    ['confidence', 'u8'],
  ],
  [AgnssType.GPS_INTEGRITY]: [['integrity_mask', 'u32']],
};

/** Bytes of one element of a type (undefined: a type this schema reader does not know). */
export function elementSize(type: number): number | undefined {
  const l = LAYOUTS[type];
  return l ? l.reduce((n, [, k]) => n + SIZE[k], 0) : undefined;
}

export type AgnssFields = Record<string, number>;
export interface AgnssArray {
  type: number;
  items: AgnssFields[];
}

function put(dv: DataView, at: number, k: Kind, v: number): void {
  if (k === 'u8') dv.setUint8(at, v);
  else if (k === 'i8') dv.setInt8(at, v);
  else if (k === 'u16') dv.setUint16(at, v, true);
  else if (k === 'i16') dv.setInt16(at, v, true);
  else if (k === 'u32') dv.setUint32(at, v >>> 0, true);
  else dv.setInt32(at, v, true);
}

function get(dv: DataView, at: number, k: Kind): number {
  if (k === 'u8') return dv.getUint8(at);
  if (k === 'i8') return dv.getInt8(at);
  if (k === 'u16') return dv.getUint16(at, true);
  if (k === 'i16') return dv.getInt16(at, true);
  if (k === 'u32') return dv.getUint32(at, true);
  return dv.getInt32(at, true);
}

/** Schema version byte, then per array: type (1 byte), count (2 bytes, little-endian), the packed elements. */
export function encodeAgnss(arrays: readonly AgnssArray[]): Uint8Array {
  let len = 1;
  for (const a of arrays) len += 3 + (elementSize(a.type) ?? 0) * a.items.length;
  const out = new Uint8Array(len);
  const dv = new DataView(out.buffer);
  out[0] = AGNSS_SCHEMA_VERSION;
  let at = 1;
  for (const a of arrays) {
    const layout = LAYOUTS[a.type];
    if (!layout) throw new Error(`A-GNSS type ${a.type} has no layout`);
    dv.setUint8(at, a.type);
    dv.setUint16(at + 1, a.items.length, true);
    at += 3;
    for (const item of a.items) {
      for (const [name, k] of layout) {
        put(dv, at, k, Math.trunc(item[name] ?? 0));
        at += SIZE[k];
      }
    }
  }
  return out;
}

/**
 * Reads A-GNSS data as nrf_cloud_agnss_process does: the version must be 1; arrays until the data ends; an unknown
 * type or a short array stops the reading (`rest` says how many bytes were left).
 */
export function decodeAgnss(b: Uint8Array): { version: number; arrays: AgnssArray[]; rest: number } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const version = b.length > 0 ? b[0] : -1;
  const arrays: AgnssArray[] = [];
  if (version !== AGNSS_SCHEMA_VERSION) return { version, arrays, rest: b.length };
  let at = 1;
  while (at + 3 <= b.length) {
    const type = b[at];
    const count = dv.getUint16(at + 1, true);
    const layout = LAYOUTS[type];
    const size = elementSize(type);
    if (!layout || size === undefined || at + 3 + count * size > b.length) break;
    at += 3;
    const items: AgnssFields[] = [];
    for (let i = 0; i < count; i++) {
      const item: AgnssFields = {};
      for (const [name, k] of layout) {
        item[name] = get(dv, at, k);
        at += SIZE[k];
      }
      items.push(item);
    }
    arrays.push({ type, items });
  }
  return { version, arrays, rest: b.length - at };
}
