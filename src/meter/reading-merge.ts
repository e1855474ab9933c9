// reading-merge.ts: the queue's bound: past its cap, older readings are merged into coarser ones (hourly, then daily,
// …).
import type { MeterReading } from './reading.js';

/** Bucket lengths tried in turn (s); the last one merges everything older into one reading. */
const BUCKETS_S = [3600, 86_400, 7 * 86_400, 30 * 86_400, Infinity];

/**
 * A run of readings as one: the last reading's seq, time, volume and pulses (both cumulative, so the total is exact),
 * the lowest min flow and highest max flow, and each flag set if it was set in any of them.
 */
export function mergeReadings(run: readonly MeterReading[]): MeterReading {
  const last = run[run.length - 1];
  return {
    ...last,
    minFlow: run.reduce((m, r) => Math.min(m, r.minFlow), Infinity),
    maxFlow: run.reduce((m, r) => Math.max(m, r.maxFlow), -Infinity),
    leakSuspected: run.some((r) => r.leakSuspected),
    leakDetected: run.some((r) => r.leakDetected),
    backflow: run.some((r) => r.backflow),
    blocked: run.some((r) => r.blocked),
  };
}

/** Merges consecutive readings in the same time bucket of `bucketS` seconds. */
export function mergeByBucket(readings: readonly MeterReading[], bucketS: number): MeterReading[] {
  const out: MeterReading[] = [];
  let run: MeterReading[] = [];
  const key = (r: MeterReading): number => (bucketS === Infinity ? 0 : Math.floor(r.time / bucketS));
  for (const r of readings) {
    if (run.length > 0 && key(run[0]) !== key(r)) {
      out.push(mergeReadings(run));
      run = [];
    }
    run.push(r);
  }
  if (run.length > 0) out.push(mergeReadings(run));
  return out;
}

/**
 * Brings `readings` (oldest first) from above `max` to at most 3/4 of it: the newest max/2 stay as they are, the older
 * ones are merged hourly, then daily, weekly, monthly, and at last into one. Nothing of the total is lost: every
 * reading is cumulative, and the newest is kept.
 */
export function thinReadings(readings: readonly MeterReading[], max: number): MeterReading[] {
  const target = Math.floor((max * 3) / 4);
  const keep = Math.floor(max / 2);
  let out = [...readings];
  for (const bucket of BUCKETS_S) {
    if (out.length <= target) break;
    const cut = out.length - keep;
    out = [...mergeByBucket(out.slice(0, cut), bucket), ...out.slice(cut)];
  }
  return out;
}
