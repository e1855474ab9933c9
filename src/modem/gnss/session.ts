// session.ts: one GNSS fix attempt on an AT channel with a profile's dialect: start, wait for a fix (poll, URC), stop.
import type { Clock } from '../../clock.js';
import { CodedError } from '../../errors.js';
import type { AtChannel, AtResponse } from '../at-channel.js';
import type { AtStep } from '../profiles/types.js';
import type { GnssDialect, GnssFix, GnssOptions } from './types.js';

export interface GnssSessionDeps {
  ch: AtChannel;
  /** Runs a step table (the driver's runner: long / optional / URC-confirmed steps). */
  run(steps: readonly AtStep[]): Promise<void>;
  /** One command with the driver's timeouts. */
  cmd(step: AtStep): Promise<AtResponse>;
  clock: Clock;
  log: { debug(o: object, msg?: string): void; warn(o: object, msg?: string): void };
}

/** Whether a fix meets the accuracy goal (a fix with no accuracy estimate meets any). */
export function meetsGoal(fix: GnssFix, o: GnssOptions): boolean {
  return o.accuracyM === undefined || fix.accuracyM === undefined || fix.accuracyM <= o.accuracyM;
}

const finite = (x: number | undefined): boolean => x === undefined || Number.isFinite(x);

/**
 * Whether a parsed fix is a position at all: latitude and longitude finite and on the globe, a finite time, and every
 * optional figure it carries finite. A dialect's parser that let garbage through (NaN from an empty field, 1e999) is
 * no fix.
 */
export function saneFix(f: GnssFix): boolean {
  return (
    Number.isFinite(f.latitude) &&
    Math.abs(f.latitude) <= 90 &&
    Number.isFinite(f.longitude) &&
    Math.abs(f.longitude) <= 180 &&
    Number.isFinite(f.utcMs) &&
    finite(f.altitudeM) &&
    finite(f.accuracyM) &&
    finite(f.speedMps) &&
    finite(f.headingDeg) &&
    finite(f.satellites)
  );
}

/** A parser's result, undefined when it threw (a malformed line is no fix). */
function tryParse(parse: () => GnssFix | undefined, log: GnssSessionDeps['log']): GnssFix | undefined {
  try {
    return parse();
  } catch (err) {
    log.debug({ err: (err as Error).message }, 'GNSS fix line not understood');
    return undefined;
  }
}

/**
 * Starts the receiver, waits up to `o.timeoutMs` for a fix meeting the accuracy goal, and stops the receiver whatever
 * happened. At the timeout, the best fix seen is the answer when there was one; else GNSS_TIMEOUT. `signal` aborts the
 * attempt (GNSS_ABORTED): the receiver is stopped before the promise settles, so the RF is free again when it does.
 */
export async function runGnssFix(
  d: GnssSessionDeps,
  g: GnssDialect,
  o: GnssOptions,
  signal?: AbortSignal,
): Promise<GnssFix> {
  if (!g.poll && !g.fixUrc) throw new CodedError('GNSS_NOT_SUPPORTED', 'the GNSS dialect reports no fixes');
  if (signal?.aborted) throw new CodedError('GNSS_ABORTED', 'GNSS fix attempt aborted before it started');
  let best: GnssFix | undefined;
  let settle: ((r: { fix: GnssFix } | { err: CodedError }) => void) | undefined;
  const outcome = new Promise<{ fix: GnssFix } | { err: CodedError }>((resolve) => (settle = resolve));
  let finished = false;
  const finish = (r: { fix: GnssFix } | { err: CodedError }): void => {
    if (finished) return;
    finished = true;
    settle?.(r);
  };
  const offer = (fix: GnssFix | undefined): void => {
    if (!fix || finished) return;
    if (!saneFix(fix)) {
      d.log.debug({ fix }, 'GNSS: malformed fix ignored');
      return;
    }
    if (best === undefined || (fix.accuracyM ?? Infinity) <= (best.accuracyM ?? Infinity)) best = fix;
    if (meetsGoal(fix, o)) finish({ fix });
  };
  const offUrc = g.fixUrc
    ? d.ch.onUrc((line) => (g.fixUrc?.re.test(line) ? offer(tryParse(() => g.fixUrc?.parse(line), d.log)) : undefined))
    : () => undefined;
  const onAbort = (): void => finish({ err: new CodedError('GNSS_ABORTED', 'GNSS fix attempt aborted') });
  signal?.addEventListener('abort', onAbort, { once: true });
  let pollTimer: unknown;
  const timeout = d.clock.setTimeout(
    () =>
      finish(best ? { fix: best } : { err: new CodedError('GNSS_TIMEOUT', `no GNSS fix within ${o.timeoutMs} ms`) }),
    o.timeoutMs,
  );
  const poll = async (): Promise<void> => {
    const p = g.poll;
    if (!p || finished) return;
    try {
      const { lines } = await d.cmd(p);
      offer(tryParse(() => p.parse(lines), d.log));
    } catch (err) {
      // A poll answered with an error ("not fixed now" on several modems) is no fix yet.
      d.log.debug({ cmd: p.cmd, err: (err as Error).message }, 'GNSS poll: no fix');
    }
    if (!finished) pollTimer = d.clock.setTimeout(() => void poll(), p.intervalMs);
  };
  try {
    await d.run(g.start(o));
    if (g.poll) pollTimer = d.clock.setTimeout(() => void poll(), g.poll.intervalMs);
    const r = await outcome;
    if ('err' in r) throw r.err;
    return r.fix;
  } catch (err) {
    finish({ err: err as CodedError });
    throw err;
  } finally {
    finished = true;
    offUrc();
    signal?.removeEventListener('abort', onAbort);
    d.clock.clearTimeout(timeout);
    if (pollTimer !== undefined) d.clock.clearTimeout(pollTimer);
    await d.run(g.stop()).catch((err: unknown) => d.log.warn({ err: (err as Error).message }, 'GNSS stop failed'));
  }
}
