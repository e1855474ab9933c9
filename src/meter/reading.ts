// reading.ts: one time-stamped meter reading (what is queued on disk and sent to the server) and its LwM2M records.
import type { LwRecord } from '../lwm2m/types.js';

/** A reading as queued and sent. Volume is the durable (fsynced) total at `time`. */
export interface MeterReading {
  /** Queue sequence number, assigned when stored; strictly increasing, never reused. */
  seq: number;
  /** Seconds since epoch. */
  time: number;
  /** Cumulated volume (m³) since the last volume reset (3424/x/1). */
  volumeM3: number;
  /** Cumulated pulses since the last pulse reset (3424/x/4). */
  pulses: number;
  /** Min / max flow rate (m³/s) since the previous reading (3424/x/7, /8). */
  minFlow: number;
  maxFlow: number;
  leakSuspected: boolean;
  leakDetected: boolean;
  backflow: boolean;
  blocked: boolean;
}

/** A stored reading as read back from disk. */
export function isReading(v: unknown): v is MeterReading {
  const r = v as MeterReading;
  return (
    typeof v === 'object' &&
    v !== null &&
    Number.isSafeInteger(r.seq) &&
    r.seq > 0 &&
    typeof r.time === 'number' &&
    typeof r.volumeM3 === 'number' &&
    typeof r.pulses === 'number'
  );
}

export type ReadingFlags = Pick<MeterReading, 'leakSuspected' | 'leakDetected' | 'backflow' | 'blocked'>;

/**
 * The records of a batch of readings for LwM2M Send: every reading gives its volume (3424/i/1) time-stamped; flags
 * (9 leak suspected, 10 leak detected, 11 back flow, 12 blocked) only when they differ from the previous reading
 * (`prev` is the last reading the server already has, if known), so a quiet day costs one value per reading.
 */
export function readingRecords(readings: readonly MeterReading[], instanceId = 0, prev?: ReadingFlags): LwRecord[] {
  const out: LwRecord[] = [];
  let last = prev;
  for (const r of readings) {
    out.push({ path: [3424, instanceId, 1], value: r.volumeM3, time: r.time });
    const flags: [keyof ReadingFlags, number][] = [
      ['leakSuspected', 9],
      ['leakDetected', 10],
      ['backflow', 11],
      ['blocked', 12],
    ];
    for (const [k, res] of flags) {
      if (last === undefined || last[k] !== r[k])
        out.push({ path: [3424, instanceId, res], value: r[k], time: r.time });
    }
    last = r;
  }
  return out;
}
