// units.ts: the conversions the GNSS dialects share: km/h to m/s, and an accuracy estimate from HDOP alone.

/**
 * Horizontal accuracy from HDOP alone, for modems that report no accuracy estimate (BG95 AT+QGPSLOC, SIM7080
 * AT+CGNSINF): HDOP × a typical user equivalent range error of 5 m — an estimate, not a confidence bound.
 */
export const HDOP_TO_METRES = 5;

/** accuracyM from HDOP, to the centimetre. */
export function accuracyFromHdop(hdop: number): number {
  return Math.round(hdop * HDOP_TO_METRES * 100) / 100;
}

export function kmhToMps(kmh: number): number {
  return kmh / 3.6;
}
