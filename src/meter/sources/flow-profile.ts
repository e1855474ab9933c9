// flow-profile.ts: a simulated household's water use: hourly daily pattern, optional constant leak, seeded random;
// pure.
import { mulberry32 } from '../../prng.js';

/** Relative use per local hour (morning and evening peaks, quiet nights). */
export const HOURLY_WEIGHTS: readonly number[] = [
  0.5, 0.3, 0.2, 0.2, 0.3, 1.0, 4.0, 6.0, 5.0, 3.0, 2.5, 2.5, 3.0, 2.5, 2.0, 2.0, 2.5, 3.5, 5.0, 5.5, 4.5, 3.5, 2.0,
  1.0,
];
const WEIGHT_SUM = HOURLY_WEIGHTS.reduce((a, b) => a + b, 0);
const H = 3_600_000;

export interface FlowProfileConfig {
  seed: number;
  dailyM3: number;
  leakLph: number;
  utcOffsetH: number;
  /** household (default): the daily pattern above; demo: a tap running half of every minute (demo-flow.ts). */
  profile?: 'household' | 'demo';
}

/** Poisson sample (Knuth below λ = 30, normal approximation above). */
function poisson(lambda: number, rnd: () => number): number {
  if (lambda <= 0) return 0;
  if (lambda < 30) {
    const l = Math.exp(-lambda);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= rnd();
    } while (p > l);
    return k - 1;
  }
  const u = Math.max(rnd(), 1e-12);
  const v = rnd();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.max(0, Math.round(lambda + z * Math.sqrt(lambda)));
}

/** Generates pulses for successive time steps; the same seed and steps give the same pulses. */
export class FlowProfile {
  private readonly rnd: () => number;
  private leakCarry = 0;

  constructor(
    private readonly cfg: FlowProfileConfig,
    private readonly pulseRatio: number,
  ) {
    this.rnd = mulberry32(cfg.seed);
  }

  /** Expected usage pulses per ms at time t (no leak). */
  usageRate(t: number): number {
    const hour = Math.floor(((((t + this.cfg.utcOffsetH * H) % (24 * H)) + 24 * H) % (24 * H)) / H);
    return (this.cfg.dailyM3 * this.pulseRatio * HOURLY_WEIGHTS[hour]) / WEIGHT_SUM / H;
  }

  /** Pulses in [t0, t1): Poisson usage at the hour's rate plus the leak, exact on average. */
  pulsesBetween(t0: number, t1: number): number {
    if (!(t1 > t0)) return 0;
    const usage = poisson(this.usageRate(t0) * (t1 - t0), this.rnd);
    this.leakCarry += (this.cfg.leakLph / 1000) * this.pulseRatio * ((t1 - t0) / H);
    const leak = Math.floor(this.leakCarry + 1e-9); // tolerate float drift in the carry
    this.leakCarry -= leak;
    return usage + leak;
  }
}
