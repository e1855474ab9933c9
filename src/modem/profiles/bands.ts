// bands.ts: LTE band lists as the bit masks vendors want (band N = bit N-1).

/** Hex mask without 0x (Quectel AT+QCFG="band"): bands [3,8,20] → "80084". Empty list → "0" meaning "no change". */
export function bandHex(bands: readonly number[]): string {
  let m = 0n;
  for (const b of bands) m |= 1n << BigInt(b - 1);
  return m.toString(16).toUpperCase();
}

/** Binary string, band 1 rightmost (nRF91 AT%XBANDLOCK). */
export function bandBits(bands: readonly number[]): string {
  let m = 0n;
  for (const b of bands) m |= 1n << BigInt(b - 1);
  return m.toString(2);
}
