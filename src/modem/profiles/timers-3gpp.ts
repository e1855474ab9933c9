// timers-3gpp.ts: PSM timer encodings for AT+CPSMS (TS 24.008 §10.5.7.4a GPRS Timer 3 = T3412 ext, §10.5.7.3 GPRS Timer
// 2 = T3324).

function encode(seconds: number, units: readonly [number, string][]): string {
  for (const [mult, bits] of units) {
    const v = Math.ceil(seconds / mult);
    if (v <= 31) return bits + v.toString(2).padStart(5, '0');
  }
  const last = units[units.length - 1];
  return (last?.[1] ?? '000') + '11111';
}

/** T3412 extended: unit bits 8..6 — 011 2 s, 100 30 s, 101 1 min, 000 10 min, 001 1 h, 010 10 h, 110 320 h. */
export function encodeT3412(seconds: number): string {
  return encode(seconds, [
    [2, '011'],
    [30, '100'],
    [60, '101'],
    [600, '000'],
    [3600, '001'],
    [36_000, '010'],
    [1_152_000, '110'],
  ]);
}

/** T3324 (active time): unit bits 8..6 — 000 2 s, 001 1 min, 010 6 min (decihours). */
export function encodeT3324(seconds: number): string {
  return encode(seconds, [
    [2, '000'],
    [60, '001'],
    [360, '010'],
  ]);
}
