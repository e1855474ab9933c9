// location-velocity.test.ts: /6/4 Velocity as 3GPP TS 23.032 Horizontal Velocity, against examples worked by hand.
import test from 'ava';
import { PLUGIN_DIR } from './location-plugin.js';

const { encodeHorizontalVelocity, decodeHorizontalVelocity } = (await import(
  new URL('velocity.js', PLUGIN_DIR).href
)) as {
  encodeHorizontalVelocity: (speedMps: number, headingDeg?: number) => Uint8Array;
  decodeHorizontalVelocity: (b: Uint8Array) => { bearingDeg: number; speedKmh: number } | undefined;
};

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('hand-worked: type 0 in the high nibble, 9-bit bearing (MSB in octet 1 bit 1), 16-bit km/h', (t) => {
  // At rest, north.
  t.is(hex(encodeHorizontalVelocity(0, 0)), '00000000');
  // 10 m/s = 36 km/h = 0x0024; 90.7° → 90 = 0x05a (N ≤ x < N + 1).
  t.is(hex(encodeHorizontalVelocity(10, 90.7)), '005a0024');
  // 300.4° → 300 = 0x12c: MSB 1 into octet 1, 0x2c in octet 2; 1.25 m/s = 4.5 km/h → N = 5 (N − 0.5 ≤ h < N + 0.5).
  t.is(hex(encodeHorizontalVelocity(1.25, 300.4)), '012c0005');
  // 359.99° → 359 = 0x167; 27.7778 m/s = 100.0 km/h = 0x0064.
  t.is(hex(encodeHorizontalVelocity(100 / 3.6, 359.99)), '01670064');
  // Speed rounding at the half: 0.13 m/s = 0.468 km/h → 0; 0.14 m/s = 0.504 km/h → 1.
  t.is(hex(encodeHorizontalVelocity(0.13, 0)), '00000000');
  t.is(hex(encodeHorizontalVelocity(0.14, 0)), '00000001');
});

test('edges: 360° and negative bearings wrap, speed saturates at 2^16 − 1, nonsense is 0', (t) => {
  t.is(hex(encodeHorizontalVelocity(0, 360)), '00000000');
  t.is(hex(encodeHorizontalVelocity(0, -90)), '010e0000', '−90° = 270° = 0x10e');
  t.is(hex(encodeHorizontalVelocity(20_000, 0)), '0000ffff', '72000 km/h saturates');
  t.is(hex(encodeHorizontalVelocity(Number.NaN, Number.NaN)), '00000000');
  t.is(hex(encodeHorizontalVelocity(-3, 10)), '000a0000');
  t.deepEqual(decodeHorizontalVelocity(encodeHorizontalVelocity(1.25, 300.4)), { bearingDeg: 300, speedKmh: 5 });
  t.is(decodeHorizontalVelocity(Uint8Array.of(0x10, 0, 0, 0, 0, 0, 0)), undefined, 'another velocity type');
});
