// location-agnss.test.ts: the dev server's GNSS assistance data: nRF Cloud A-GNSS schema v1 (element sizes from the
// header, a plausible sky decoded back), the XTRA stand-in file, type 2 requests.
import test from 'ava';
import { AgnssType, decodeAgnss, elementSize, encodeAgnss } from '../../src/devserver/agnss.js';
import { agnssForSky, elevationDeg, gpsTime, uncertaintyK } from '../../src/devserver/agnss-sky.js';
import { XTRA_DEFAULT_BYTES, XTRA_TAG, xtraFile } from '../../src/devserver/xtra.js';
import { gnssRequest } from '../../src/devserver/location-service.js';
import { decodeNrfCloudAgnss } from '../../src/modem/gnss/nrf-cloud-agnss.js';

const T = Date.UTC(2026, 11, 6, 12, 0, 0);

test('element sizes are the packed structs of nrf_cloud_agnss_schema_v1.h', (t) => {
  // utc 4+4+6; ephemeris 62; almanac 31; klobuchar 8; nequick 2+2+2+1+1; tow 4; system clock 2+4+2+4 (+4, as the
  // SDK's parser steps); location 4+4+2+5; integrity 4.
  t.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map(elementSize), [14, 62, 31, 8, 8, 4, 16, 15, 4]);
  t.is(elementSize(10), undefined);
  // One array by hand: version 1, type 9, count 1 (little-endian), mask 0x04030201 little-endian.
  t.is(
    Buffer.from(encodeAgnss([{ type: AgnssType.GPS_INTEGRITY, items: [{ integrity_mask: 0x04030201 }] }])).toString(
      'hex',
    ),
    '0109010001020304',
  );
});

test('the sky for a time and place decodes back: 31 ephemerides and almanacs, UTC, clock, location, integrity', (t) => {
  const b = agnssForSky({ timeMs: T, latitude: 63.4215, longitude: 10.4381, accuracyM: 400 });
  const d = decodeAgnss(b);
  t.is(d.version, 1);
  t.is(d.rest, 0, 'every byte read');
  t.deepEqual(
    d.arrays.map((a) => [a.type, a.items.length]),
    [
      [1, 1],
      [2, 31],
      [3, 31],
      [4, 1],
      [7, 1],
      [8, 1],
      [9, 1],
    ],
  );
  t.is(b.length, 1 + 3 * 7 + 14 + 31 * 62 + 31 * 31 + 8 + 16 + 15 + 4, 'bytes: 2962');
  const byType = new Map(d.arrays.map((a) => [a.type, a.items]));
  const g = gpsTime(T);
  // 2026-12-06 12:00:00 UTC: 17 136 days after 1980-01-06 = GPS week 2448 exactly (a Sunday), 12 h + 18 leap s.
  t.like(g, { week: 2448, towS: 43_218, day: 17_136 });
  t.like(byType.get(7)?.[0], { date_day: Math.floor((T - Date.UTC(1980, 0, 6)) / 86_400_000), time_full_s: 43_218 });
  t.like(byType.get(1)?.[0], { delta_tls: 18, wn_t: 2448 & 0xff });
  const eph = byType.get(2) ?? [];
  t.deepEqual(
    eph.map((e) => e.sv_id),
    Array.from({ length: 31 }, (_, i) => i + 1),
  );
  for (const e of eph) {
    // sqrt(a) ≈ 5153.6 m^½ (scale 2^-19), inclination ≈ 55° (0.3056 semicircles, scale 2^-31), toe every 2 h (2^4 s).
    t.true(Math.abs(e.sqrt_a / 2 ** 19 - 5153.6) < 5, `sv ${e.sv_id} sqrt_a`);
    t.true(Math.abs(e.i0 / 2 ** 31 - 55 / 180) < 0.02);
    t.is(e.toe * 16, 43_200, 'the 2-hour boundary before tow 43 218 s');
    t.is(e.health, 0);
  }
  const loc = byType.get(8)?.[0];
  t.is(loc?.latitude, Math.floor((63.4215 * 2 ** 23) / 90));
  t.is(loc?.longitude, Math.floor((10.4381 * 2 ** 24) / 360));
  t.is(loc?.unc_semimajor, uncertaintyK(400));
  // K = 39 → 10 × (1.1^39 − 1) ≈ 405 m ≥ 400 m; K = 38 ≈ 368 m < 400 m.
  t.is(uncertaintyK(400), 39);
  t.deepEqual(agnssForSky({ timeMs: T + 1000 }).subarray(0, 900), agnssForSky({ timeMs: T }).subarray(0, 900));
  // The modem side's own checker (written apart from this encoder) takes it: what the nRF91 path injects.
  t.like(decodeNrfCloudAgnss(b), { ephemerides: 31, time: true, position: true });
});

test('filtered (an elevation mask): only the satellites above it, recomputed from the decoded words; no almanac', (t) => {
  const at = { timeMs: T, latitude: 63.4215, longitude: 10.4381, accuracyM: 400 };
  const d = decodeAgnss(agnssForSky({ ...at, elevationMaskDeg: 10 }));
  t.false(d.arrays.some((a) => a.type === AgnssType.GPS_ALMANAC));
  const eph = d.arrays.find((a) => a.type === AgnssType.GPS_EPHEMERIDES)?.items ?? [];
  t.true(eph.length >= 4 && eph.length < 31, `${eph.length} satellites above 10°`);
  const { towS } = gpsTime(T);
  for (const e of eph) {
    const el = elevationDeg(
      {
        sqrtA: e.sqrt_a / 2 ** 19,
        m0: e.m0 / 2 ** 31,
        w: e.w / 2 ** 31,
        i0: e.i0 / 2 ** 31,
        omega0: e.omega0 / 2 ** 31,
        omegaDot: e.omega_dot / 2 ** 43,
      },
      towS - e.toe * 16,
      e.toe * 16,
      at.latitude,
      at.longitude,
    );
    t.true(el >= 9.99, `sv ${e.sv_id} at ${el.toFixed(2)}°`);
  }
  // The elevation itself: straight overhead and on the far side of the Earth.
  const overhead = { sqrtA: Math.sqrt(26_560_000), m0: 0, w: 0, i0: 0, omega0: 0, omegaDot: 0 };
  t.true(Math.abs(elevationDeg(overhead, 0, 0, 0, 0) - 90) < 1e-6);
  t.true(elevationDeg(overhead, 0, 0, 0, 180) < -10);
});

test('decoding stops where the SDK stops: wrong version, unknown type, short array', (t) => {
  t.like(decodeAgnss(Uint8Array.of(2, 9, 1, 0, 0, 0, 0, 0)), { version: 2, arrays: [], rest: 8 });
  t.like(decodeAgnss(Uint8Array.of(1, 42, 1, 0, 9)), { version: 1, arrays: [], rest: 4 });
  t.like(decodeAgnss(Uint8Array.of(1, 9, 2, 0, 0, 0, 0, 0)), { arrays: [], rest: 7 });
});

test('XTRA stand-in: 40 KiB by default, tagged, the same file within a GPS week, another the next week; type 2 parsed', (t) => {
  const a = xtraFile(T);
  t.is(a.length, XTRA_DEFAULT_BYTES);
  t.is(Buffer.from(a.subarray(0, XTRA_TAG.length)).toString('ascii'), XTRA_TAG);
  t.deepEqual(xtraFile(T + 3_600_000), a);
  t.notDeepEqual(xtraFile(T + 7 * 86_400_000), a);
  t.is(xtraFile(T, 1000).length, 1000);
  const distinct = new Set(a.subarray(64, 4096));
  t.true(distinct.size > 250, 'looks random: nearly every byte value occurs');
  t.deepEqual(gnssRequest([{ path: [33625, 0, 0], value: 2 }]), { kind: 'xtra' });
});
