// accounting.ts: pure volume accounting: flow-rate windows (min/max), leak rules, back flow, blocked meter; clock
// passed in.
import type { LeakRules } from './config-schema.js';
import type { ReadingFlags } from './reading.js';

export interface AccountingConfig {
  /** Pulses per m³. */
  pulseRatio: number;
  flowWindowS: number;
  leak: LeakRules;
  backflowMinPulses: number;
  blockedAfterS: number;
  /** Consecutive leaking nights that turn "suspected" into "detected" (0 disables). */
  nightsToDetect?: number;
}

/** Min / max flow (m³/s) over the flow windows closed since the previous reading. */
export interface IntervalFlow {
  minFlow: number;
  maxFlow: number;
  forwardPulses: number;
  backwardPulses: number;
}

const H = 3_600_000;
const DAY = 24 * H;

/**
 * Accounting of one meter. Feed it pulses (`pulses(n, dir, t)`) and the passage of time (`advance(t)`); times are ms
 * and must not go backwards (an older time is treated as the latest seen). All rules are documented in docs/meter.md.
 */
export class Accounting {
  private m3PerPulse: number;
  private readonly windowMs: number;
  private now: number;
  // flow windows
  private windowStart: number;
  private windowPulses = 0;
  private minFlow = Infinity;
  private maxFlow = -Infinity;
  private intervalForward = 0;
  private intervalBackward = 0;
  private lastIntervalBackflow = false;
  // continuous-flow leak rule
  private lastPulse: number | undefined;
  private flowSince: number | undefined;
  private continuousSuspected = false;
  private continuousDetected = false;
  // night rule
  private night: { start: number; end: number; bins: number[] } | undefined;
  private nightLeak = false;
  private leakyNights = 0;
  /** The first time this accounting saw; nights that started before it are not judged. */
  private readonly origin: number;

  constructor(
    private readonly cfg: AccountingConfig,
    startMs: number,
    lastPulseMs?: number,
  ) {
    this.m3PerPulse = 1 / cfg.pulseRatio;
    this.windowMs = cfg.flowWindowS * 1000;
    this.now = startMs;
    this.origin = startMs;
    this.windowStart = startMs;
    this.lastPulse = lastPulseMs;
  }

  /** Counts `n` pulses at time `t`; direction -1 is back flow. */
  pulses(n: number, direction: 1 | -1, t: number): void {
    if (!(n > 0)) return;
    this.advance(t);
    const now = this.now;
    if (direction < 0) {
      this.intervalBackward += n;
      return;
    }
    this.windowPulses += n;
    this.intervalForward += n;
    const quiet = this.cfg.leak.quietGapS * 1000;
    if (this.lastPulse === undefined || this.flowSince === undefined || now - this.lastPulse >= quiet)
      this.flowSince = now;
    this.lastPulse = now;
    const night = this.night;
    if (night && now >= night.start && now < night.end) {
      const i = Math.floor((now - night.start) / (this.cfg.leak.nightBinS * 1000));
      if (i < night.bins.length) night.bins[i] += n;
    }
    this.evaluate();
  }

  /** Moves time forward to `t`: closes flow windows, starts / ends nights, re-evaluates the rules. */
  advance(t: number): void {
    if (t > this.now) this.now = t;
    const now = this.now;
    while (now - this.windowStart >= this.windowMs) {
      const flow = (this.windowPulses * this.m3PerPulse) / this.cfg.flowWindowS;
      this.minFlow = Math.min(this.minFlow, flow);
      this.maxFlow = Math.max(this.maxFlow, flow);
      this.windowPulses = 0;
      // Skip whole empty windows at once (a week without pulses is one step).
      const skip = Math.floor((now - this.windowStart) / this.windowMs) - 1;
      if (skip > 0) {
        this.minFlow = Math.min(this.minFlow, 0);
        this.maxFlow = Math.max(this.maxFlow, 0);
        this.windowStart += skip * this.windowMs;
      }
      this.windowStart += this.windowMs;
    }
    this.trackNight(now);
    this.evaluate();
  }

  private trackNight(now: number): void {
    const L = this.cfg.leak;
    if (this.night && now >= this.night.end) {
      const binS = L.nightBinS;
      const perBinLph = this.night.bins.map((c) => (c * this.m3PerPulse * 1000 * 3600) / binS);
      const leaking = L.nightMinFlowLph > 0 && perBinLph.length > 0 && perBinLph.every((f) => f >= L.nightMinFlowLph);
      this.nightLeak = leaking;
      this.leakyNights = leaking ? this.leakyNights + 1 : 0;
      this.night = undefined;
    }
    if (!this.night) {
      const w = nightAt(now, L.nightStartHour, L.nightEndHour, L.utcOffsetH);
      // A night already under way when we started counting has unobserved bins: it is not judged.
      if (w && w.start >= this.origin) {
        const n = Math.ceil((w.end - w.start) / (L.nightBinS * 1000));
        this.night = { start: w.start, end: w.end, bins: new Array<number>(n).fill(0) };
      }
    }
  }

  private evaluate(): void {
    const L = this.cfg.leak;
    const now = this.now;
    const quiet = L.quietGapS * 1000;
    if (this.lastPulse !== undefined && now - this.lastPulse >= quiet) {
      // A zero-flow interval: no leak can be running.
      this.flowSince = undefined;
      this.continuousSuspected = false;
      this.continuousDetected = false;
      this.nightLeak = false;
      this.leakyNights = 0;
      return;
    }
    if (this.flowSince === undefined) return;
    const running = now - this.flowSince;
    if (L.suspectedAfterS > 0 && running >= L.suspectedAfterS * 1000) this.continuousSuspected = true;
    if (L.detectedAfterS > 0 && running >= L.detectedAfterS * 1000) this.continuousDetected = true;
  }

  /** The anomaly flags as of the latest time seen. */
  flags(): ReadingFlags {
    const nightsToDetect = this.cfg.nightsToDetect ?? 3;
    const blockedMs = this.cfg.blockedAfterS * 1000;
    return {
      leakSuspected: this.continuousSuspected || this.continuousDetected || this.nightLeak,
      leakDetected: this.continuousDetected || (nightsToDetect > 0 && this.leakyNights >= nightsToDetect),
      backflow: this.lastIntervalBackflow || this.intervalBackward >= this.cfg.backflowMinPulses,
      blocked: blockedMs > 0 && this.lastPulse !== undefined && this.now - this.lastPulse >= blockedMs,
    };
  }

  /**
   * Ends a reading interval at `t`: min/max flow over the windows closed in it (0/0 when none closed), pulse counts.
   */
  takeInterval(t: number): IntervalFlow {
    this.advance(t);
    const out: IntervalFlow = {
      minFlow: Number.isFinite(this.minFlow) ? this.minFlow : 0,
      maxFlow: Number.isFinite(this.maxFlow) ? this.maxFlow : 0,
      forwardPulses: this.intervalForward,
      backwardPulses: this.intervalBackward,
    };
    this.lastIntervalBackflow = this.intervalBackward >= this.cfg.backflowMinPulses;
    this.minFlow = Infinity;
    this.maxFlow = -Infinity;
    this.intervalForward = 0;
    this.intervalBackward = 0;
    return out;
  }

  /** A new pulse ratio (pulses per m³) for flows from now on. */
  setPulseRatio(pulseRatio: number): void {
    this.m3PerPulse = 1 / pulseRatio;
  }

  /** Time of the last forward pulse (ms), if any. */
  get lastPulseMs(): number | undefined {
    return this.lastPulse;
  }
}

/** The night window (UTC ms) that contains `t`, or undefined when `t` is outside every night or nights are disabled. */
export function nightAt(
  t: number,
  startHour: number,
  endHour: number,
  utcOffsetH: number,
): { start: number; end: number } | undefined {
  const len = ((((endHour - startHour) % 24) + 24) % 24) * H;
  if (len === 0) return undefined;
  const off = utcOffsetH * H;
  const local = t + off;
  const dayStart = Math.floor(local / DAY) * DAY;
  for (const s of [dayStart + startHour * H - DAY, dayStart + startHour * H]) {
    if (local >= s && local < s + len) return { start: s - off, end: s + len - off };
  }
  return undefined;
}
