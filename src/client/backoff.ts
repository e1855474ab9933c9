// backoff.ts: growing retry delays (initial × factor^(n-1), capped), with optional jitter from an injected random
// source.

export interface BackoffParams {
  backoffInitialS: number;
  backoffFactor: number;
  backoffMaxS: number;
  backoffJitter: number;
}

/** Delay in ms before attempt `failures` + 1 (failures ≥ 1). `random` returns [0, 1); 0.5 means no jitter. */
export function backoffMs(failures: number, p: BackoffParams, random: () => number = () => 0.5): number {
  const n = Math.max(1, failures);
  const base = Math.min(p.backoffMaxS, p.backoffInitialS * Math.pow(p.backoffFactor, n - 1));
  const jitter = p.backoffJitter === 0 ? 1 : 1 + p.backoffJitter * (2 * random() - 1);
  return Math.round(Math.max(0, base * jitter) * 1000);
}
