// gnss-sim7080-parse.test.ts: the SIM7080 +CGNSINF and +CGNSXTRA parsers: field conversion, no fix for anything
// malformed, truncated or out of range, and never a throw on random input.
import test from 'ava';
import fc from 'fast-check';
import { parseCgnsinf, parseCgnsinfLine, parseCgnsUtc, parseCgnsXtra } from '../../src/modem/gnss/sim7080.js';

const FIXED = '+CGNSINF: 1,1,20261206114530.250,52.520008,-13.404954,34.500,36.00,270.5,1,,1.6,2.1,1.3,,12,9,3,,42,,';

test('a fix line: UTC, position, altitude, km/h → m/s, course, satellites used, accuracy HDOP × 5 m', (t) => {
  const fix = parseCgnsinf([FIXED]);
  t.deepEqual(fix, {
    latitude: 52.520008,
    longitude: -13.404954,
    altitudeM: 34.5,
    utcMs: Date.UTC(2026, 11, 6, 11, 45, 30, 250),
    speedMps: 10,
    headingDeg: 270.5,
    satellites: 9,
    accuracyM: 8,
  });
});

test('receiver off, running without a fix, or empty position: no fix', (t) => {
  t.is(parseCgnsinfLine('+CGNSINF: 0,,,,,,,,,,,,,,,,,,,,'), undefined);
  t.is(parseCgnsinfLine('+CGNSINF: 1,0,19800106000012.000,,,,0.00,0.0,0,,,,,,5,0,,,,,'), undefined);
  t.is(parseCgnsinfLine('+CGNSINF: 1,1,20261206114530.000,,,34.5,0.00,0.0,1,,1.6,2.1,1.3,,12,9,3,,42,,'), undefined);
  t.is(parseCgnsinf(['OK']), undefined);
});

test('empty optional fields are absent, not zero', (t) => {
  const fix = parseCgnsinfLine('+CGNSINF: 1,1,20261206114530.000,52.5,13.4,,,,1,,,,,,,,,,,,');
  t.deepEqual(fix, { latitude: 52.5, longitude: 13.4, utcMs: Date.UTC(2026, 11, 6, 11, 45, 30) });
});

test('malformed, truncated or out-of-range fields: no fix', (t) => {
  const bad = [
    FIXED.replace('52.520008', '92.5'), // latitude > 90
    FIXED.replace('-13.404954', '-181.0'), // longitude < -180
    FIXED.replace('52.520008', '52,520008'), // a comma in a number shifts every field
    FIXED.replace('52.520008', '5e1'), // not the manual's ±dd.dddddd
    FIXED.replace('36.00', '1000.00'), // speed > 999.99 km/h
    FIXED.replace('270.5', '361.0'), // course > 360
    FIXED.replace(',1.6,', ',100.0,'), // HDOP > 99.9
    FIXED.replace(',12,9,', ',12,9.5,'), // satellites used not an integer
    FIXED.replace('20261206', '20261306'), // month 13
    FIXED.replace('20261206', '20260230'), // 30 February
    FIXED.replace('20261206', '20401206'), // year past 2039
    FIXED.replace('114530.250', '245930.250'), // hour 24
    FIXED.slice(0, FIXED.indexOf(',1.6')), // truncated before HDOP
    FIXED.replace('+CGNSINF: 1,1', '+CGNSINF: 2,1'), // run status not 0/1
  ];
  for (const line of bad) t.is(parseCgnsinfLine(line), undefined, line);
});

test('UTC field: milliseconds optional, leap second accepted, garbage refused', (t) => {
  t.is(parseCgnsUtc('20261206114530'), Date.UTC(2026, 11, 6, 11, 45, 30));
  t.is(parseCgnsUtc('20161231235960.000'), Date.UTC(2016, 11, 31, 23, 59, 60));
  t.is(parseCgnsUtc('2026120611453'), undefined);
  t.is(parseCgnsUtc('20261206114530.2500'), undefined);
});

test('+CGNSINF / +UGNSINF: random lines never throw; a fix is always in range', (t) => {
  const field = fc.oneof(
    fc.constant(''),
    fc.string({ maxLength: 12 }),
    fc.double({ noNaN: false }).map(String),
    fc.integer({ min: -500, max: 500 }).map(String),
  );
  fc.assert(
    fc.property(
      fc.constantFrom('+CGNSINF: ', '+UGNSINF: ', '+CGNSINF:', ''),
      fc.constantFrom('1,1,', '1,0,', '0,', ''),
      fc.array(field, { maxLength: 25 }),
      (prefix, status, fields) => {
        const fix = parseCgnsinfLine(prefix + status + fields.join(','));
        if (!fix) return;
        t.true(Math.abs(fix.latitude) <= 90 && Math.abs(fix.longitude) <= 180);
        t.true(Number.isFinite(fix.utcMs));
        if (fix.speedMps !== undefined) t.true(fix.speedMps >= 0 && fix.speedMps <= 999.99 / 3.6);
        if (fix.headingDeg !== undefined) t.true(fix.headingDeg >= 0 && fix.headingDeg <= 360);
        if (fix.accuracyM !== undefined) t.true(fix.accuracyM > 0 && fix.accuracyM <= 99.9 * 5);
      },
    ),
    { numRuns: 3000 },
  );
  // Mutations of a good line (a character dropped, replaced or inserted) either parse in range or are no fix.
  fc.assert(
    fc.property(fc.nat(FIXED.length - 1), fc.string({ maxLength: 3 }), fc.nat(2), (at, s, cut) => {
      const line = FIXED.slice(0, at) + s + FIXED.slice(at + cut);
      const fix = parseCgnsinfLine(line);
      if (fix) t.true(Math.abs(fix.latitude) <= 90 && Math.abs(fix.longitude) <= 180 && Number.isFinite(fix.utcMs));
    }),
    { numRuns: 3000 },
  );
});

test('+CGNSXTRA validity: hours left → no ephemeris needed, valid until inject time + duration', (t) => {
  t.deepEqual(parseCgnsXtra(['+CGNSXTRA: 70,72,2026/12/06,10:00:00']), {
    ephemeris: false,
    validUntilMs: Date.UTC(2026, 11, 6, 10) + 72 * 3600_000,
  });
  t.deepEqual(parseCgnsXtra(['+CGNSXTRA: 60,72,"2026/12/06,10:00:00"']), {
    ephemeris: false,
    validUntilMs: Date.UTC(2026, 11, 6, 10) + 72 * 3600_000,
  });
  t.true(parseCgnsXtra(['+CGNSXTRA: -3,72,2026/12/01,10:00:00']).ephemeris, 'expired');
  t.true(parseCgnsXtra(['+CGNSXTRA: 0,72,2026/12/03,10:00:00']).ephemeris, 'no hour left');
  t.deepEqual(parseCgnsXtra([]), { ephemeris: true }, 'ERROR answer: no XTRA file');
  t.deepEqual(parseCgnsXtra(['+CGNSXTRA: 1']), { ephemeris: true }, 'file does not exist');
  t.deepEqual(parseCgnsXtra(['+CGNSXTRA: 70,72,garbage']), { ephemeris: true });
  fc.assert(
    fc.property(fc.string({ maxLength: 60 }), (s) => {
      t.is(typeof parseCgnsXtra([`+CGNSXTRA: ${s}`]).ephemeris, 'boolean');
    }),
  );
});
