// velocity.js: object 6's Velocity (/6/4, opaque) as 3GPP TS 23.032 §8 "Horizontal Velocity": speed and bearing.
// @ts-check

/** TS 23.032 velocity type field (bits 8–5 of the first octet): 0 = Horizontal Velocity (4 octets). */
export const HORIZONTAL_VELOCITY = 0;

/**
 * Encodes ground speed and course as TS 23.032 Horizontal Velocity, 4 octets:
 * - octet 1: bits 8–5 velocity type (0000), bits 4–2 spare (0), bit 1 the bearing's most significant bit;
 * - octet 2: the bearing's 8 low bits. Bearing: 9 bits, whole degrees clockwise from north, N ≤ x < N + 1 (0–359);
 * - octets 3–4: horizontal speed, 16 bits, km/h: N = 0 for h < 0.5, N − 0.5 ≤ h < N + 0.5, N = 2^16 − 1 for larger.
 * @param {number} speedMps ground speed, m/s (negative or not finite: 0)
 * @param {number} [headingDeg] course over ground, degrees from true north (absent: 0, as for a device at rest)
 * @returns {Uint8Array}
 */
export function encodeHorizontalVelocity(speedMps, headingDeg = 0) {
  const kmh = Number.isFinite(speedMps) && speedMps > 0 ? speedMps * 3.6 : 0;
  const speed = Math.min(0xffff, Math.floor(kmh + 0.5));
  const h = Number.isFinite(headingDeg) ? ((headingDeg % 360) + 360) % 360 : 0;
  const bearing = Math.min(359, Math.floor(h));
  return Uint8Array.of((HORIZONTAL_VELOCITY << 4) | (bearing >> 8), bearing & 0xff, speed >> 8, speed & 0xff);
}

/**
 * Reads back what encodeHorizontalVelocity wrote (other velocity types: undefined).
 * @param {Uint8Array} b
 * @returns {{ bearingDeg: number; speedKmh: number } | undefined}
 */
export function decodeHorizontalVelocity(b) {
  if (b.length < 4 || b[0] >> 4 !== HORIZONTAL_VELOCITY) return undefined;
  return { bearingDeg: ((b[0] & 1) << 8) | b[1], speedKmh: (b[2] << 8) | b[3] };
}
