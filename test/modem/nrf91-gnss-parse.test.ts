// nrf91-gnss-parse.test.ts: the nRF91 GNSS dialect's parsers and the nRF Cloud A-GNSS checker, on the documents'
// examples and fuzzed input: malformed data is refused with GNSS_BAD_ASSISTANCE, a malformed line is no fix.
import test from 'ava';
import fc from 'fast-check';
import { buildNrfCloudAgnss, decodeNrfCloudAgnss } from '../../src/modem/gnss/nrf-cloud-agnss.js';
import { parseXagnssNeed, parseXgnssFix, XGNSS_FIX } from '../../src/modem/gnss/nrf91.js';
import { saneFix } from '../../src/modem/gnss/session.js';
import { xgnssFixLine } from '../../src/modem/emulator/gnss/nrf91.js';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code ?? 'THREW_WITHOUT_CODE';
  }
};

test('fix notification: the Serial Modem v1.0.1 example, and the later #XGNSSPOS form', (t) => {
  const line = '#XGNSS: 35.457576,139.625090,121.473785,22.199919,0.442868,0.000000,"2021-06-02 06:25:48"';
  t.true(XGNSS_FIX.test(line));
  t.deepEqual(parseXgnssFix(line), {
    latitude: 35.457576,
    longitude: 139.62509,
    altitudeM: 121.473785,
    accuracyM: 22.199919,
    speedMps: 0.442868,
    headingDeg: 0,
    utcMs: Date.UTC(2021, 5, 2, 6, 25, 48),
  });
  const pos = line.replace('#XGNSS:', '#XGNSSPOS:');
  t.true(XGNSS_FIX.test(pos));
  t.is(parseXgnssFix(pos)?.latitude, 35.457576);
  for (const status of ['#XGNSS: 1,1', '#XGNSS: 1,4', '#XGNSS: 0,0']) t.false(XGNSS_FIX.test(status), status);
});

test('fix notification: the emulator writes what the parser reads', (t) => {
  const f = {
    latitude: -33.8688,
    longitude: 151.2093,
    altitudeM: 58,
    accuracyM: 4.5,
    speedMps: 0,
    headingDeg: 12.5,
    utcMs: Date.UTC(2026, 11, 6, 12, 0, 1),
    satellites: 9,
  };
  const { satellites: _s, ...expected } = f;
  void _s;
  t.deepEqual(parseXgnssFix(xgnssFixLine(f)), expected);
});

test('fix notification fuzz: never throws, anything returned is a sane position', (t) => {
  const field = fc.oneof(
    fc.string(),
    fc.double().map(String),
    fc.integer().map(String),
    fc.constantFrom('', 'nan', '-', '1e999', '"2021-06-02 06:25:48"', '"2021-13-40 25:61:61"'),
  );
  fc.assert(
    fc.property(fc.array(field, { maxLength: 9 }), fc.constantFrom('#XGNSS: ', '#XGNSSPOS: ', '#XGNSS:'), (f, p) => {
      const fix = parseXgnssFix(p + f.join(','));
      return fix === undefined || saneFix(fix);
    }),
    { numRuns: 3000 },
  );
  t.is(parseXgnssFix('#XGNSS: 91.0,0,0,1,0,0,"2021-06-02 06:25:48"'), undefined, 'latitude off the globe');
  t.is(parseXgnssFix('#XGNSS: ,,,,,,"2021-06-02 06:25:48"'), undefined, 'empty fields');
  t.is(parseXgnssFix('#XGNSS: 1,2,3,4,5,6,"yesterday"'), undefined, 'bad time');
});

test('#XAGNSS? answer: ephemerides, time and position wanted, or nothing', (t) => {
  t.deepEqual(parseXagnssNeed(['#XAGNSS: 4294967295,4294967295,63']), {
    ephemeris: true,
    time: true,
    position: true,
  });
  t.deepEqual(parseXagnssNeed(['#XAGNSS: 0,0,0']), { ephemeris: false, time: false, position: false });
  t.is(
    codeOf(() => parseXagnssNeed(['#XAGNSS: x,y'])),
    'GNSS_NEED_UNREADABLE',
  );
});

test('A-GNSS schema v1: built data decodes to what was put in', (t) => {
  const data = buildNrfCloudAgnss({
    utc: true,
    ephemerides: [1, 2, 3, 17, 32],
    almanacs: [1, 2],
    systemClock: { day: 16_000, s: 43_200 },
    location: { latitude: 52.52, longitude: 13.405 },
  });
  // version + utc (3+14) + 5 ephemerides (3+5×62) + 2 almanacs (3+2×31) + clock (3+16) + location (3+15)
  t.is(data.length, 1 + 17 + 313 + 65 + 19 + 18);
  t.deepEqual(decodeNrfCloudAgnss(data), {
    elements: { gpsUtc: 1, gpsEphemerides: 5, gpsAlmanac: 2, gpsSystemClock: 1, location: 1 },
    ephemerides: 5,
    time: true,
    position: true,
  });
});

test('A-GNSS schema v1: malformed data is refused with GNSS_BAD_ASSISTANCE', (t) => {
  const good = buildNrfCloudAgnss({ ephemerides: [5, 6], systemClock: { day: 1, s: 2 } });
  const cases: [string, Uint8Array][] = [
    ['empty', new Uint8Array()],
    ['version only', Uint8Array.of(1)],
    ['schema version 2', Uint8Array.from([2, ...good.subarray(1)])],
    ['nRF Cloud JSON error', new Uint8Array(Buffer.from('{"code":40499,"message":"no data"}'))],
    ['truncated', good.subarray(0, good.length - 1)],
    ['header cut', good.subarray(0, 3)],
    ['unknown type 10 (prediction)', Uint8Array.of(1, 10, 1, 0, 0, 0, 0, 0)],
    ['count 0', Uint8Array.of(1, 2, 0, 0)],
    ['33 ephemerides', Uint8Array.from([1, 2, 33, 0, ...new Uint8Array(33 * 62).fill(1)])],
    ['satellite 0', Uint8Array.from([1, 2, 1, 0, ...new Uint8Array(62)])],
    ['TOW satellite 40', Uint8Array.of(1, 6, 1, 0, 40, 0, 0, 0)],
    ['trailing byte', Uint8Array.from([...good, 7])],
  ];
  for (const [what, data] of cases)
    t.is(
      codeOf(() => decodeNrfCloudAgnss(data)),
      'GNSS_BAD_ASSISTANCE',
      what,
    );
});

test('A-GNSS fuzz: random bytes and mutated valid data are decoded or refused with GNSS_BAD_ASSISTANCE', (t) => {
  const good = buildNrfCloudAgnss({ utc: true, ephemerides: [1, 9, 20], systemClock: { day: 9, s: 9 } });
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
      const c = codeOf(() => decodeNrfCloudAgnss(b));
      return c === undefined || c === 'GNSS_BAD_ASSISTANCE';
    }),
    { numRuns: 3000 },
  );
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      fc.nat(good.length),
      (edits, cut) => {
        const b = Uint8Array.from(good.subarray(0, cut));
        for (const [i, v] of edits) if (i < b.length) b[i] = v;
        const c = codeOf(() => decodeNrfCloudAgnss(b));
        return c === undefined || c === 'GNSS_BAD_ASSISTANCE';
      },
    ),
    { numRuns: 3000 },
  );
  t.pass();
});
