// agnss-sky.ts: the dev server's A-GNSS answer: a plausible GPS sky (31 satellites on six orbital planes, scaled as
// IS-GPS-200 broadcast words) for a time and a coarse position, encoded as nRF Cloud A-GNSS schema v1.
import { mulberry32 } from '../prng.js';
import { AgnssType, encodeAgnss, type AgnssFields } from './agnss.js';

/** GPS time starts 1980-01-06T00:00:00 UTC; GPS runs ahead of UTC by the leap seconds since then (18 since 2017). */
export const GPS_EPOCH_MS = Date.UTC(1980, 0, 6);
export const GPS_LEAP_S = 18;

export interface SkyRequest {
  /** UTC time of the assistance, ms since the epoch. */
  timeMs: number;
  /** Coarse position (degrees, metres): the location element (omitted when absent). */
  latitude?: number;
  longitude?: number;
  altitudeM?: number;
  accuracyM?: number;
  /** Satellites with ephemerides and almanacs (1–32; default 31, the GPS constellation's usual count). */
  satellites?: number;
  /**
   * Filtered (the request's /33625/0/8 elevation mask, degrees): ephemerides only of the satellites at least this high
   * over the position, and no almanac — as nRF Cloud's filtered A-GNSS is described. Needs latitude and longitude.
   */
  elevationMaskDeg?: number;
}

const GM = 3.986005e14; // m³/s², IS-GPS-200
const EARTH_RATE = 7.2921151467e-5; // rad/s
const EARTH_RADIUS = 6_371_000; // m, a sphere is enough for "above the horizon"

/**
 * Elevation (degrees) of a satellite seen from a place: the orbit as a circle (e < 0.02 moves it by < 2 %) from the
 * broadcast elements in semicircles, IS-GPS-200's right ascension at time tk after toe, a spherical Earth.
 */
export function elevationDeg(
  o: { sqrtA: number; m0: number; w: number; i0: number; omega0: number; omegaDot: number },
  tkS: number,
  toeS: number,
  latDeg: number,
  lonDeg: number,
): number {
  const a = o.sqrtA ** 2;
  const u = o.m0 * Math.PI + Math.sqrt(GM / a ** 3) * tkS + o.w * Math.PI;
  const raan = o.omega0 * Math.PI + (o.omegaDot * Math.PI - EARTH_RATE) * tkS - EARTH_RATE * toeS;
  const i = o.i0 * Math.PI;
  const [xp, yp] = [a * Math.cos(u), a * Math.sin(u)];
  const sat = [
    xp * Math.cos(raan) - yp * Math.cos(i) * Math.sin(raan),
    xp * Math.sin(raan) + yp * Math.cos(i) * Math.cos(raan),
    yp * Math.sin(i),
  ];
  const [phi, lam] = [(latDeg * Math.PI) / 180, (lonDeg * Math.PI) / 180];
  const up = [Math.cos(phi) * Math.cos(lam), Math.cos(phi) * Math.sin(lam), Math.sin(phi)];
  const d = sat.map((c, k) => c - EARTH_RADIUS * up[k]);
  const dist = Math.hypot(d[0], d[1], d[2]);
  return (Math.asin((d[0] * up[0] + d[1] * up[1] + d[2] * up[2]) / dist) * 180) / Math.PI;
}

/** GPS week and time of week (s) of a UTC time. */
export function gpsTime(timeMs: number): { week: number; towS: number; day: number; secondOfDay: number } {
  const s = Math.floor((timeMs - GPS_EPOCH_MS) / 1000) + GPS_LEAP_S;
  return { week: Math.floor(s / 604_800), towS: s % 604_800, day: Math.floor(s / 86_400), secondOfDay: s % 86_400 };
}

const scaled = (x: number, log2: number): number => Math.round(x * 2 ** log2);
/** An angle in semicircles brought into [-1, 1) (the signed 32-bit words cannot hold +1). */
const semicircles = (x: number): number => ((((x + 1) % 2) + 2) % 2) - 1;

/**
 * Uncertainty code K of a distance r (m) as 3GPP TS 23.032 §6.2 (r = 10 × (1.1^K − 1)), the coding the modem's
 * location element uses; 127 at most.
 */
export function uncertaintyK(r: number): number {
  return Math.min(127, Math.max(0, Math.ceil(Math.log(r / 10 + 1) / Math.log(1.1))));
}

/** The A-GNSS binary for a sky: UTC, ephemerides, almanacs, Klobuchar, system clock, location, integrity. */
export function agnssForSky(req: SkyRequest): Uint8Array {
  const n = Math.min(32, Math.max(1, req.satellites ?? 31));
  const { week, towS, day, secondOfDay } = gpsTime(req.timeMs);
  const rnd = mulberry32(week * 7 + Math.floor(towS / 7200));
  const jitter = (a: number): number => (rnd() * 2 - 1) * a;
  const toeS = Math.floor(towS / 7200) * 7200; // ephemerides are cut every two hours
  const toaS = Math.floor(towS / 4096) * 4096;
  const eph: AgnssFields[] = [];
  const alm: AgnssFields[] = [];
  for (let sv = 1; sv <= n; sv++) {
    const plane = (sv - 1) % 6;
    const slot = Math.floor((sv - 1) / 6);
    // Orbital elements in semicircles (IS-GPS-200's angle unit); GPS: a ≈ 26 560 km, i ≈ 55°, e < 0.02.
    const omega0 = semicircles(-1 + plane / 3 + jitter(0.01));
    const m0 = semicircles(slot / 3 + plane * 0.05 + jitter(0.005));
    const w = semicircles(jitter(1));
    const e = 0.002 + rnd() * 0.015;
    const i0 = 55 / 180 + jitter(0.01);
    const sqrtA = Math.sqrt(26_560_000 + jitter(20_000));
    const omegaDot = -2.6e-9 + jitter(2e-10);
    const mask = req.elevationMaskDeg;
    const visible =
      mask === undefined ||
      req.latitude === undefined ||
      req.longitude === undefined ||
      elevationDeg({ sqrtA, m0, w, i0, omega0, omegaDot }, towS - toeS, toeS, req.latitude, req.longitude) >= mask;
    if (visible)
      eph.push({
        sv_id: sv,
        health: 0,
        iodc: (week * 13 + sv) & 0x3ff,
        toc: toeS / 16,
        af2: 0,
        af1: scaled(jitter(5e-12), 43),
        af0: scaled(jitter(3e-4), 31),
        tgd: scaled(jitter(1e-8), 31),
        ura: 0,
        fit_int: 0,
        toe: toeS / 16,
        w: scaled(w, 31),
        delta_n: scaled(1.4e-9 + jitter(2e-10), 43),
        m0: scaled(m0, 31),
        omega_dot: scaled(omegaDot, 43),
        e: scaled(e, 33),
        idot: scaled(jitter(1e-10), 43),
        sqrt_a: scaled(sqrtA, 19),
        i0: scaled(i0, 31),
        omega0: scaled(omega0, 31),
        crs: scaled(jitter(100), 5),
        cis: scaled(jitter(1e-7), 29),
        cus: scaled(jitter(1e-5), 29),
        crc: scaled(200 + jitter(100), 5),
        cic: scaled(jitter(1e-7), 29),
        cuc: scaled(jitter(1e-5), 29),
      });
    alm.push({
      sv_id: sv,
      wn: week & 0xff,
      toa: toaS / 4096,
      ioda: (week + sv) & 0xff,
      e: scaled(e, 21),
      delta_i: scaled(i0 - 0.3, 19),
      omega_dot: scaled(-2.6e-9, 38),
      sv_health: 0,
      sqrt_a: scaled(sqrtA, 11),
      omega0: scaled(omega0, 23),
      w: scaled(w, 23),
      m0: scaled(m0, 23),
      af0: scaled(jitter(3e-4), 20),
      af1: scaled(jitter(5e-12), 38),
    });
  }
  const arrays = [
    {
      type: AgnssType.GPS_UTC_PARAMETERS,
      items: [
        {
          a1: scaled(jitter(1e-14), 50),
          a0: scaled(jitter(1e-9), 30),
          tot: Math.floor(towS / 4096) & 0xff,
          wn_t: week & 0xff,
          delta_tls: GPS_LEAP_S,
          wn_lsf: (week - 500) & 0xff,
          dn: 7,
          delta_tlsf: GPS_LEAP_S,
        },
      ],
    },
    ...(eph.length > 0 ? [{ type: AgnssType.GPS_EPHEMERIDES, items: eph }] : []),
    ...(req.elevationMaskDeg === undefined ? [{ type: AgnssType.GPS_ALMANAC, items: alm }] : []),
    {
      type: AgnssType.KLOBUCHAR_CORRECTION,
      items: [{ alpha0: 11, alpha1: 7, alpha2: -60, alpha3: -60, beta0: 80, beta1: 6, beta2: -64, beta3: -64 }],
    },
    {
      type: AgnssType.GPS_SYSTEM_CLOCK,
      items: [
        {
          date_day: day,
          time_full_s: secondOfDay,
          time_frac_ms: req.timeMs % 1000,
          sv_mask: 0,
          reserved: 0,
        },
      ],
    },
    ...(req.latitude !== undefined && req.longitude !== undefined
      ? [
          {
            type: AgnssType.LOCATION,
            items: [
              {
                // nrf_modem_gnss_agnss_data_location: N ≤ (2^23 / 90) × lat < N + 1, N ≤ (2^24 / 360) × lon < N + 1.
                latitude: Math.floor((req.latitude * 2 ** 23) / 90),
                longitude: Math.floor((req.longitude * 2 ** 24) / 360),
                altitude: Math.round(req.altitudeM ?? 0),
                unc_semimajor: uncertaintyK(req.accuracyM ?? 3000),
                unc_semiminor: uncertaintyK(req.accuracyM ?? 3000),
                orientation_major: 0,
                unc_altitude: 255, // altitude not known
                confidence: 68,
              },
            ],
          },
        ]
      : []),
    { type: AgnssType.GPS_INTEGRITY, items: [{ integrity_mask: 0 }] },
  ];
  return encodeAgnss(arrays);
}
