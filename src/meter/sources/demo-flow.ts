// demo-flow.ts: the demo's tap: runs DEMO_ON_MS of every minute at DEMO_LPM litres a minute, so `make run` shows the
// volume move; pure.
/** Length of one tap cycle (ms). */
export const DEMO_CYCLE_MS = 60_000;
/** The tap runs this long at the start of each cycle (ms), then stays shut: a pulse-free gap every minute. */
export const DEMO_ON_MS = 30_000;
/** Flow while the tap runs, litres per minute (a kitchen tap). */
export const DEMO_LPM = 12;

/** Generates the pulses of the demo tap: exact, no randomness (the fraction of a pulse is carried). */
export class DemoFlow {
  private carry = 0;

  constructor(private readonly pulseRatio: number) {}

  /** Milliseconds of [t0, t1) during which the tap runs. */
  static onMsBetween(t0: number, t1: number): number {
    const on = (t: number): number =>
      Math.floor(t / DEMO_CYCLE_MS) * DEMO_ON_MS +
      Math.min(((t % DEMO_CYCLE_MS) + DEMO_CYCLE_MS) % DEMO_CYCLE_MS, DEMO_ON_MS);
    return Math.max(0, on(t1) - on(t0));
  }

  pulsesBetween(t0: number, t1: number): number {
    if (!(t1 > t0)) return 0;
    this.carry += (DemoFlow.onMsBetween(t0, t1) / 60_000) * (DEMO_LPM / 1000) * this.pulseRatio;
    const n = Math.floor(this.carry + 1e-9);
    this.carry -= n;
    return n;
  }
}
