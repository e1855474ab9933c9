// xtra.ts: the dev server's stand-in for a Qualcomm XTRA file (GNSS assistance type 2, this product's extension):
// deterministic pseudo-random bytes of a realistic size. XTRA's contents are proprietary; nothing here parses them.
import { mulberry32 } from '../prng.js';
import { gpsTime } from './agnss-sky.js';

/**
 * Default size: 40 KiB, the order of a 7-day multi-constellation XTRA file (tens of kB); the real size depends on
 * Qualcomm's service and was not measured here.
 */
export const XTRA_DEFAULT_BYTES = 40 * 1024;

/** ASCII tag at the start, so a dump shows what it is. */
export const XTRA_TAG = 'LWM2M-METER-DEV-XTRA';

/** The same GPS week gives the same file (as a real XTRA file changes when the service publishes a new one). */
export function xtraFile(timeMs: number, bytes = XTRA_DEFAULT_BYTES): Uint8Array {
  const out = new Uint8Array(Math.max(XTRA_TAG.length, bytes));
  const rnd = mulberry32(0x58545241 ^ gpsTime(timeMs).week);
  for (let i = 0; i < out.length; i += 4) {
    const v = Math.floor(rnd() * 2 ** 32);
    for (let j = 0; j < 4 && i + j < out.length; j++) out[i + j] = (v >>> (8 * j)) & 0xff;
  }
  out.set(Buffer.from(XTRA_TAG, 'ascii'), 0);
  return out;
}
