// gnss-controller.js: when the device takes a GNSS fix (registration, every intervalS, a meter leak, a server's
// request), the assistance the receiver needs first (through /33625, injected into the modem), the fix into /6, and
// the ground fix as the fallback.
// @ts-check
import { createRateLimit } from './policy.js';

/** @typedef {import('lwm2m-meter/plugin').Clock} Clock */
/** @typedef {{ sent: boolean; why?: string; code?: string; at?: number; reason: string }} RequestOutcome */
/**
 * @typedef {{ latitude: number; longitude: number; altitudeM?: number; accuracyM?: number; speedMps?: number;
 *   headingDeg?: number; utcMs: number; satellites?: number }} GnssFix
 */
/**
 * @typedef {{ ephemeris: boolean; time?: boolean; position?: boolean; validUntilMs?: number; format?: string;
 *   rf?: string }} GnssNeed
 */
/** @typedef {{ fixed: boolean; why?: string; assisted?: boolean; fallback?: boolean; reason: string }} FixOutcome */

/** Errors that mean "this modem has no GNSS receiver (or no actor answers for it yet)": fall back to the cells. */
const NO_GNSS = new Set(['MODEM_NO_GNSS', 'UNKNOWN_MESSAGE', 'ACTOR_UNAVAILABLE']);

/** @param {Readonly<Record<string, unknown>>} all the plugin config; its `gnss` section */
export function readGnssConfig(all) {
  const c = /** @type {Record<string, unknown>} */ (typeof all.gnss === 'object' && all.gnss !== null ? all.gnss : {});
  const num = (/** @type {string} */ k, /** @type {number} */ d) =>
    typeof c[k] === 'number' && Number.isFinite(c[k]) && /** @type {number} */ (c[k]) >= 0
      ? /** @type {number} */ (c[k])
      : d;
  /** @type {'detected' | 'suspected' | 'off'} */
  const onLeak = c.onLeak === 'suspected' ? 'suspected' : c.onLeak === 'off' ? 'off' : 'detected';
  return {
    enabled: c.enabled !== false,
    intervalS: num('intervalS', 86_400),
    timeoutS: Math.max(1, num('timeoutS', 120)),
    accuracyM: num('accuracyM', 50),
    onRegistered: c.onRegistered !== false,
    onLeak,
    eventPollS: Math.max(1, num('eventPollS', 60)),
    minIntervalS: num('minIntervalS', 60),
    maxPerHour: num('maxPerHour', 10),
    assistance: c.assistance !== false,
    assistanceWaitS: Math.max(1, num('assistanceWaitS', 120)),
    // A-GNSS for a fix asks for the satellites above this elevation only (/33625/0/8; -1: everything, 3.4 kB instead
    // of about 0.9 kB a download: bench/gnss.bench.ts).
    elevationMask: typeof c.elevationMask === 'number' && Number.isInteger(c.elevationMask) ? c.elevationMask : 5,
    injectToModem: c.injectToModem !== false,
    fallbackToCell: c.fallbackToCell !== false,
    sendAfterFix: c.sendAfterFix !== false,
  };
}

/**
 * True when a fix should wait for assistance: the receiver lacks ephemerides, or what it was given has expired.
 * @param {GnssNeed} need @param {number} nowMs
 */
export function needsAssistance(need, nowMs) {
  return need.ephemeris === true || (typeof need.validUntilMs === 'number' && need.validUntilMs <= nowMs);
}

/** The /6 values of a fix (resource id → value), in SI units, timestamp in s. @param {GnssFix} f */
export function locationValues(f) {
  /** @type {Record<number, number>} */
  const v = { 0: f.latitude, 1: f.longitude, 5: Math.floor(f.utcMs / 1000) };
  if (typeof f.altitudeM === 'number') v[2] = f.altitudeM;
  if (typeof f.accuracyM === 'number') v[3] = f.accuracyM;
  if (typeof f.speedMps === 'number') v[6] = f.speedMps;
  return v;
}

/**
 * @param {{
 *   request: (to: string, msg: any, opts?: { timeoutMs?: number }) => Promise<any>;
 *   send: (to: string, msg: any) => void;
 *   log: import('lwm2m-meter/plugin').ActorContext['log'];
 *   timers: Clock;
 *   config: Readonly<Record<string, unknown>>;
 *   assist: (kind: 'agps' | 'xtra', reason: string) => Promise<RequestOutcome>;
 *   groundFix: (reason: string) => Promise<RequestOutcome>;
 * }} d
 */
export function createGnssController(d) {
  const cfg = readGnssConfig(d.config);
  const { log, timers } = d;
  const rate = createRateLimit(cfg);
  let stopped = false;
  let running = false;
  let leakActive = false;
  /** @type {unknown} */ let periodicTimer;
  /** @type {unknown} */ let pollTimer;
  /** @type {Promise<boolean> | undefined} the injection of the data just written, until the result code comes */
  let injecting;
  /** @type {{ resolve: (ok: boolean) => void; timer: unknown } | undefined} */
  let waiting;
  const stats = {
    attempts: 0,
    fixes: 0,
    assisted: 0,
    fallbacks: 0,
    injected: 0,
    injectFailures: 0,
    lastOutcome: /** @type {FixOutcome | undefined} */ (undefined),
    lastFix: /** @type {GnssFix | undefined} */ (undefined),
  };

  /** @param {boolean} on */
  const power = (on) => d.send('object:3430', { type: 'gnss-object.power', on });

  /** Waits for the result code of the assistance just requested (false: failed, or nothing within the wait). */
  const waitForAssistance = () =>
    /** @type {Promise<boolean>} */ (
      new Promise((resolve) => {
        const timer = timers.setTimeout(() => {
          waiting = undefined;
          log.warn({ waitS: cfg.assistanceWaitS }, 'no GNSS assistance in time: fixing without');
          resolve(false);
        }, cfg.assistanceWaitS * 1000);
        waiting = { resolve, timer };
      })
    );
  const settleWait = (/** @type {boolean} */ ok) => {
    if (!waiting) return;
    timers.clearTimeout(waiting.timer);
    const w = waiting;
    waiting = undefined;
    w.resolve(ok);
  };

  /** @param {FixOutcome} o */
  const done = (o) => {
    stats.lastOutcome = o;
    return o;
  };

  /** @param {GnssFix} f @param {string} reason */
  async function show(f, reason) {
    stats.fixes++;
    stats.lastFix = f;
    d.send('object:6', {
      type: 'location.update',
      values: locationValues(f),
      source: 'gnss',
      ...(typeof f.headingDeg === 'number' ? { headingDeg: f.headingDeg } : {}),
      ...(typeof f.satellites === 'number' ? { satellites: f.satellites } : {}),
    });
    log.info({ reason, accuracyM: f.accuracyM, satellites: f.satellites }, 'GNSS fix');
    if (!cfg.sendAfterFix) return;
    try {
      await d.request('client', { type: 'lwm2m.send', paths: [[6, 0]] }, { timeoutMs: 180_000 });
    } catch (err) {
      log.debug({ code: /** @type {{ code?: unknown }} */ (err)?.code }, 'position Send not delivered');
    }
  }

  /** @param {string} reason @param {string} why */
  async function fallback(reason, why) {
    stats.fallbacks++;
    if (!cfg.fallbackToCell) return done({ fixed: false, why, reason });
    log.info({ reason, why }, 'no GNSS fix: asking for a ground fix');
    await d.groundFix('gnss-fallback');
    return done({ fixed: false, why, fallback: true, reason });
  }

  /** One attempt: need → assistance (when needed) → fix → /6; the ground fix when it fails. @param {string} reason */
  async function fix(reason) {
    if (stopped) return done({ fixed: false, why: 'stopped', reason });
    if (!cfg.enabled) return done({ fixed: false, why: 'disabled', reason });
    if (running) return done({ fixed: false, why: 'in-flight', reason });
    const now = timers.now();
    if (rate.nextAllowed(now) > now) return done({ fixed: false, why: 'rate-limited', reason });
    rate.record(now);
    running = true;
    stats.attempts++;
    power(true);
    try {
      /** @type {GnssNeed | undefined} */
      let need;
      try {
        need = await d.request('modem', { type: 'modem.gnss.need' }, { timeoutMs: 30_000 });
      } catch (err) {
        const code = /** @type {{ code?: unknown }} */ (err)?.code;
        if (typeof code === 'string' && NO_GNSS.has(code)) return await fallback(reason, code);
        log.debug({ code }, 'modem.gnss.need failed: fixing without assistance');
      }
      let assisted = false;
      if (need && cfg.assistance && needsAssistance(need, timers.now())) {
        const kind = need.format === 'xtra' ? 'xtra' : 'agps';
        const wait = waitForAssistance();
        const out = await d.assist(kind, reason);
        if (out.sent) assisted = await wait;
        else settleWait(false);
        if (assisted) stats.assisted++;
      }
      /** @type {GnssFix} */
      const f = await d.request(
        'modem',
        { type: 'modem.gnss.fix', timeoutMs: cfg.timeoutS * 1000, accuracyM: cfg.accuracyM },
        { timeoutMs: cfg.timeoutS * 1000 + 60_000 },
      );
      await show(f, reason);
      return done({ fixed: true, assisted, reason });
    } catch (err) {
      const code = /** @type {{ code?: unknown }} */ (err)?.code;
      log.warn({ reason, code, err: /** @type {Error} */ (err)?.message }, 'GNSS fix failed');
      return await fallback(reason, typeof code === 'string' ? code : 'error');
    } finally {
      running = false;
      power(false);
    }
  }

  /**
   * Assistance data the server wrote into /33625/0/6: injected into the modem (A-GNSS and XTRA; P-GPS predictions are
   * not injectable as one blob, see docs). @param {string} kind @param {Uint8Array} data
   */
  function onData(kind, data) {
    if (!cfg.injectToModem || kind === 'pgps') return;
    injecting = d.request('modem', { type: 'modem.gnss.inject', data }, { timeoutMs: 120_000 }).then(
      () => {
        stats.injected++;
        log.info({ kind, bytes: data.length }, 'GNSS assistance injected');
        return true;
      },
      (/** @type {any} */ err) => {
        stats.injectFailures++;
        log.warn(
          { kind, code: err?.code ?? 'GNSS_INJECT_FAILED', err: err?.message },
          'GNSS assistance injection failed',
        );
        return false;
      },
    );
  }

  /**
   * The result code of /33625/0/7 after its data was injected: 0 with a failed injection counts as 1 (a temporary
   * error, retried with the backoff). Synchronous when no injection is under way.
   * @param {number} code @returns {number | Promise<number>} the code the backoff sees
   */
  function onResult(code) {
    const settle = (/** @type {boolean} */ injected) => {
      const effective = code === 0 && !injected ? 1 : code;
      settleWait(effective === 0);
      return effective;
    };
    const pending = injecting;
    injecting = undefined;
    return pending ? pending.then(settle) : settle(true);
  }

  const schedulePeriodic = () => {
    if (!cfg.enabled || cfg.intervalS <= 0 || stopped) return;
    periodicTimer = timers.setTimeout(() => {
      periodicTimer = undefined;
      void fix('periodic');
      schedulePeriodic();
    }, cfg.intervalS * 1000);
  };

  // The meter publishes no leak event: its flags are read with meter.status, as the valve's leak rule does.
  const pollMeter = async () => {
    try {
      /** @type {{ snapshot?: { flags?: Record<string, unknown> } }} */
      const st = await d.request('meter', { type: 'meter.status' }, { timeoutMs: 5000 });
      const flags = st?.snapshot?.flags;
      const leak = flags?.[cfg.onLeak === 'suspected' ? 'leakSuspected' : 'leakDetected'] === true;
      if (leak && !leakActive) {
        leakActive = true;
        log.info({ on: cfg.onLeak }, 'meter leak: taking a GNSS fix');
        void fix('leak');
      } else if (!leak) leakActive = false;
    } catch (err) {
      log.debug({ code: /** @type {{ code?: unknown }} */ (err)?.code }, 'meter.status failed');
    }
  };
  const schedulePoll = () => {
    if (!cfg.enabled || cfg.onLeak === 'off' || stopped) return;
    pollTimer = timers.setTimeout(() => {
      pollTimer = undefined;
      void pollMeter().finally(schedulePoll);
    }, cfg.eventPollS * 1000);
  };

  schedulePeriodic();
  schedulePoll();

  return {
    config: cfg,
    fix,
    onData,
    onResult,
    /** The first registration: one fix when onRegistered. */
    onRegistered() {
      return cfg.enabled && cfg.onRegistered ? fix('registered') : undefined;
    },
    status() {
      return { enabled: cfg.enabled, running, leakActive, ...stats };
    },
    stop() {
      stopped = true;
      for (const h of [periodicTimer, pollTimer]) if (h !== undefined) timers.clearTimeout(h);
      settleWait(false);
    },
  };
}
