// gnss-bg95-parse.test.ts: the BG95 GNSS parsers: +QGPSLOC in its three position forms, +QGPSXTRADATA validity, the
// AT+QFUPL checksum; fuzzed: malformed, truncated or out-of-range answers are no fix and never throw.
import test from 'ava';
import fc from 'fast-check';
import { parseQgpsloc, parseQgpslocLine, parseXtraData, qfuplChecksum, xtraTime } from '../../src/modem/gnss/bg95.js';
import { qgpslocLine } from '../../src/modem/emulator/gnss/bg95.js';

const UTC = Date.UTC(2013, 4, 11, 6, 19, 51, 250);

test('mode 2 (decimal degrees): every field converted to SI; accuracy is HDOP × 5 m', (t) => {
  const fix = parseQgpsloc(['+QGPSLOC: 061951.250,-31.84536,117.19882,0.7,62.2,3,123.30,36.0,19.4,110513,09']);
  t.deepEqual(fix, {
    latitude: -31.84536,
    longitude: 117.19882,
    altitudeM: 62.2,
    accuracyM: 3.5,
    speedMps: 10,
    headingDeg: 123.5, // ddd.mm: 123° 30'
    utcMs: UTC,
    satellites: 9,
  });
});

test('mode 0 (ddmm.mmmmN/S) and mode 1 (ddmm.mmmmmm,N/S): degrees and minutes, hemispheres signed', (t) => {
  const m0 = parseQgpslocLine('+QGPSLOC: 061951.250,3150.7218S,11711.9292W,1.0,5.0,3,0.00,0.0,0.0,110513,04');
  t.truthy(m0);
  t.true(Math.abs((m0?.latitude ?? 0) - -(31 + 50.7218 / 60)) < 1e-9);
  t.true(Math.abs((m0?.longitude ?? 0) - -(117 + 11.9292 / 60)) < 1e-9);
  const m1 = parseQgpslocLine('+QGPSLOC: 061951.250,0530.500000,N,00010.250000,E,1.0,5.0,3,0.00,0.0,0.0,110513,04');
  t.true(Math.abs((m1?.latitude ?? 0) - (5 + 30.5 / 60)) < 1e-9);
  t.true(Math.abs((m1?.longitude ?? 0) - 10.25 / 60) < 1e-9);
  t.is(m1?.utcMs, UTC);
});

test('a 2D fix has no altitude', (t) => {
  const fix = parseQgpslocLine('+QGPSLOC: 061951.000,31.84536,117.19882,2.0,62.2,2,0.00,0.0,0.0,110513,04');
  t.truthy(fix);
  t.false(fix !== undefined && 'altitudeM' in fix);
});

test('malformed, truncated and out-of-range answers are no fix', (t) => {
  const good = '+QGPSLOC: 061951.000,31.84536,117.19882,0.7,62.2,3,123.30,36.0,19.4,110513,09';
  t.truthy(parseQgpslocLine(good));
  const bad = [
    good.replace(',3,123', ',1,123'), // fix mode 1: none
    good.replace('31.84536', '91.00000'), // latitude beyond the pole
    good.replace('117.19882', '-180.5'),
    good.replace('061951.000', '241951.000'), // hour 24
    good.replace('110513', '310213'), // 31 February
    good.replace('110513', '111313'), // month 13
    good.replace(',0.7,', ',0,'), // HDOP 0
    good.replace('123.30', '123.60'), // 60 minutes of course
    good.replace('123.30', '361.00'),
    good.replace('36.0', '-1.0'), // negative speed
    good.replace(',09', ',x9'),
    good.replace('31.84536', '31.8e4'),
    good.slice(0, 40), // truncated
    `${good},7`, // a field too many
    '+QGPSLOC: 061951.000,3150.7223X,11711.9293E,0.7,62.2,3,0.00,0.0,0.0,110513,09', // no hemisphere
    '+QGPSLOC: 061951.000,3160.7223N,11711.9293E,0.7,62.2,3,0.00,0.0,0.0,110513,09', // 60.7 minutes
    '+QGPSLOC: ',
    '+QGPSLOCX',
    '+CME ERROR: 516',
  ];
  for (const line of bad) t.is(parseQgpslocLine(line), undefined, line);
  t.is(parseQgpsloc([]), undefined);
});

const skyFix = fc.record({
  latitude: fc.double({ min: -89.9, max: 89.9, noNaN: true }),
  longitude: fc.double({ min: -179.9, max: 179.9, noNaN: true }),
  altitudeM: fc.double({ min: -400, max: 9000, noNaN: true }),
  accuracyM: fc.double({ min: 1, max: 400, noNaN: true }),
  speedMps: fc.double({ min: 0, max: 300, noNaN: true }),
  headingDeg: fc.double({ min: 0, max: 359.9, noNaN: true }),
  utcMs: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }),
  satellites: fc.integer({ min: 0, max: 40 }),
});

test('fuzz: what the emulator writes in each mode parses back to the same fix (within the printed precision)', (t) => {
  fc.assert(
    fc.property(skyFix, fc.constantFrom(0 as const, 1 as const, 2 as const), (f, mode) => {
      const line = qgpslocLine(f, mode);
      const fix = parseQgpslocLine(line);
      if (!fix) return false;
      const tolDeg = mode === 1 ? 1e-7 : mode === 0 ? 2e-6 : 6e-6;
      return (
        Math.abs(fix.latitude - f.latitude) < tolDeg &&
        Math.abs(fix.longitude - f.longitude) < tolDeg &&
        Math.abs((fix.altitudeM ?? NaN) - f.altitudeM) <= 0.051 &&
        Math.abs((fix.speedMps ?? NaN) - f.speedMps) <= 0.05 / 3.6 + 1e-9 &&
        Math.abs((((fix.headingDeg ?? NaN) - f.headingDeg + 540) % 360) - 180) <= 1 / 120 + 1e-9 &&
        Math.abs(fix.utcMs - f.utcMs) < 1 &&
        fix.satellites === f.satellites
      );
    }),
    { numRuns: 500 },
  );
  t.pass();
});

test('fuzz: any text, or a valid answer with one character changed or cut short, never throws; a fix is in range', (t) => {
  const good = '+QGPSLOC: 061951.000,31.84536,117.19882,0.7,62.2,3,123.30,36.0,19.4,110513,09';
  const inRange = (line: string): boolean => {
    const fix = parseQgpslocLine(line);
    return (
      fix === undefined ||
      (Math.abs(fix.latitude) <= 90 &&
        Math.abs(fix.longitude) <= 180 &&
        (fix.accuracyM ?? 0) > 0 &&
        (fix.speedMps ?? 0) >= 0 &&
        (fix.headingDeg ?? 0) >= 0 &&
        (fix.headingDeg ?? 0) < 360 &&
        Number.isFinite(fix.utcMs))
    );
  };
  fc.assert(fc.property(fc.string(), (s) => inRange(`+QGPSLOC: ${s}`)));
  fc.assert(
    fc.property(fc.nat(good.length - 1), fc.string({ minLength: 1, maxLength: 1 }), (i, c) =>
      inRange(good.slice(0, i) + c + good.slice(i + 1)),
    ),
    { numRuns: 2000 },
  );
  fc.assert(fc.property(fc.nat(good.length), (i) => inRange(good.slice(0, i))));
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.string(), fc.stringMatching(/^-?\d{1,6}(\.\d{1,6})?$/)), { maxLength: 14 }), (p) =>
      inRange(`+QGPSLOC: ${p.join(',')}`),
    ),
  );
  t.pass();
});

test('+QGPSXTRADATA: valid minutes from the start time; 0 or anything malformed: assistance needed', (t) => {
  t.deepEqual(parseXtraData(['+QGPSXTRADATA: 10080,"2023/06/24,19:00:00"']), {
    ephemeris: false,
    validUntilMs: Date.UTC(2023, 5, 24, 19) + 10080 * 60_000,
  });
  t.deepEqual(parseXtraData(['+QGPSXTRADATA: 0,"1980/01/05,19:00:00"']), { ephemeris: true });
  t.deepEqual(parseXtraData(['+QGPSXTRADATA: 10081,"2023/06/24,19:00:00"']), { ephemeris: true });
  t.deepEqual(parseXtraData(['+QGPSXTRADATA: 60,"garbage"']), { ephemeris: false });
  t.deepEqual(parseXtraData([]), { ephemeris: true });
  fc.assert(
    fc.property(fc.string(), (s) => {
      const n = parseXtraData([`+QGPSXTRADATA: ${s}`]);
      return typeof n.ephemeris === 'boolean' && (n.validUntilMs === undefined || Number.isFinite(n.validUntilMs));
    }),
  );
});

test('AT+QFUPL checksum: XOR of big-endian 16-bit words, an odd last byte as a high byte', (t) => {
  t.is(qfuplChecksum(Uint8Array.of(0x12, 0x34, 0x56, 0x78)), 0x1234 ^ 0x5678);
  t.is(qfuplChecksum(Uint8Array.of(0x12, 0x34, 0x56)), 0x1234 ^ 0x5600);
  t.is(qfuplChecksum(new Uint8Array(0)), 0);
});

test('AT+QGPSXTRATIME time: YYYY/MM/DD,hh:mm:ss in UTC', (t) => {
  t.is(xtraTime(new Date(Date.UTC(2026, 11, 6, 9, 5, 7, 900))), '2026/12/06,09:05:07');
});
