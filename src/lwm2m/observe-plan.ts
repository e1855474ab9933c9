// observe-plan.ts: when to notify an observation (pure, clock injected): pmin hold-off, pmax force, gt/lt crossing, st
// step, epmin/epmax.
import type { Attributes } from './attributes.js';

/** Per-observation state the planner keeps (times in ms from the injected clock). */
export interface PlanState {
  /** When the last notification (or the initial response) went out. */
  lastSentAt: number;
  /** The numeric value sent last (for st and gt/lt crossing), when the target is one number. */
  lastSentValue?: number;
  /** A significant change waits for pmin. */
  pending: boolean;
  /** When the value was last evaluated (epmin/epmax). */
  lastEvalAt: number;
}

export function initialState(now: number, value?: number): PlanState {
  const s: PlanState = { lastSentAt: now, pending: false, lastEvalAt: now };
  if (value !== undefined) s.lastSentValue = value;
  return s;
}

/** Is a change to `value` worth a notification? Without gt/lt/st every change is. gt/lt: crossing; st: step ≥ st. */
export function isSignificant(a: Attributes, s: PlanState, value: number | undefined): boolean {
  if (a.gt === undefined && a.lt === undefined && a.st === undefined) return true;
  if (value === undefined || s.lastSentValue === undefined) return true;
  const prev = s.lastSentValue;
  if (a.gt !== undefined && prev <= a.gt !== value <= a.gt) return true;
  if (a.lt !== undefined && prev < a.lt !== value < a.lt) return true;
  if (a.st !== undefined && Math.abs(value - prev) >= a.st) return true;
  return false;
}

export type Decision = { notify: true } | { notify: false; wakeAt?: number | undefined };

/** pmax in ms, or undefined when absent, 0, or not above pmin (then it is ignored, per spec). */
function pmaxMs(a: Attributes): number | undefined {
  if (a.pmax === undefined || a.pmax <= 0) return undefined;
  if (a.pmin !== undefined && a.pmax < a.pmin) return undefined;
  return a.pmax * 1000;
}

/** A value changed (or was evaluated): notify now, or wait (pmin), or ignore (not significant). Mutates `s`. */
export function onChange(a: Attributes, s: PlanState, now: number, value: number | undefined): Decision {
  s.lastEvalAt = now;
  if (!isSignificant(a, s, value)) return { notify: false, wakeAt: nextWake(a, s) };
  const pmin = (a.pmin ?? 0) * 1000;
  if (now - s.lastSentAt >= pmin) return { notify: true };
  s.pending = true;
  return { notify: false, wakeAt: nextWake(a, s) };
}

/** The timer fired (or any time): notify when a pending change passed pmin, or pmax is reached. */
export function onTimer(a: Attributes, s: PlanState, now: number): Decision {
  const pmin = (a.pmin ?? 0) * 1000;
  if (s.pending && now - s.lastSentAt >= pmin) return { notify: true };
  const pmax = pmaxMs(a);
  if (pmax !== undefined && now - s.lastSentAt >= pmax) return { notify: true };
  return { notify: false, wakeAt: nextWake(a, s) };
}

/** Record that a notification went out now with this value. */
export function sent(s: PlanState, now: number, value: number | undefined): void {
  s.lastSentAt = now;
  s.pending = false;
  s.lastEvalAt = now;
  if (value !== undefined) s.lastSentValue = value;
  else delete s.lastSentValue;
}

/** When the planner next needs to run: the pending pmin deadline, the pmax deadline, or the epmax evaluation. */
export function nextWake(a: Attributes, s: PlanState): number | undefined {
  const cands: number[] = [];
  if (s.pending) cands.push(s.lastSentAt + (a.pmin ?? 0) * 1000);
  const pmax = pmaxMs(a);
  if (pmax !== undefined) cands.push(s.lastSentAt + pmax);
  const ev = nextEvaluation(a, s);
  if (ev !== undefined) cands.push(ev);
  return cands.length ? Math.min(...cands) : undefined;
}

/** epmax: the latest time the value must be evaluated again (read through the hook), if set. */
export function nextEvaluation(a: Attributes, s: PlanState): number | undefined {
  if (a.epmax === undefined || a.epmax <= 0) return undefined;
  return s.lastEvalAt + a.epmax * 1000;
}

/** epmin: may the value be evaluated now (changes within epmin of the last evaluation are deferred)? */
export function mayEvaluate(a: Attributes, s: PlanState, now: number): boolean {
  return a.epmin === undefined || now - s.lastEvalAt >= a.epmin * 1000;
}

/** The single number a target holds, for gt/lt/st (undefined for non-numeric or several values). */
export function numericValue(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}
