// controller.js: the ground fix request flow (triggers → cells from the modem → /4/0 and /10256 → LwM2M Send; result
// codes → backoff), GNSS assistance requests (33625: A-GPS, P-GPS, XTRA) and the GNSS fix policy (gnss-controller.js).
// @ts-check
import { realClock } from 'lwm2m-meter/plugin';
import {
  ASSIST_TYPE,
  CM,
  GA,
  GNSS_ASSIST,
  GROUND_FIX_SEND_PATHS,
  RESULT,
  agpsSendPaths,
  pgpsSendPaths,
  xtraSendPaths,
} from './ids.js';
import { createGnssController } from './gnss-controller.js';
import { createBackoff, createRateLimit } from './policy.js';

/** @typedef {import('lwm2m-meter/plugin').ActorContext} ActorContext */
/** @typedef {import('lwm2m-meter/plugin').ActorMessage} ActorMessage */
/** @typedef {import('lwm2m-meter/plugin').Clock} Clock */
/** @typedef {{ pci: number; earfcn: number; rsrpDbm?: number; rsrqDb?: number; timeDiff?: number }} NeighbourCell */
/**
 * @typedef {{ ci?: number; lac?: number; mcc?: number; mnc?: number; dbm?: number; pci?: number; earfcn?: number }}
 *   ServingCell
 */
/** @typedef {{ sent: boolean; why?: string; code?: string; at?: number; reason: string }} RequestOutcome */
/** @typedef {'agps' | 'pgps' | 'xtra'} GnssKind */

/** Errors that mean "nothing left the device": the request does not count against the rate limit. */
const NOT_SENT = new Set([
  'NOT_REGISTERED',
  'ACTOR_UNAVAILABLE',
  'ACTOR_TIMEOUT',
  'MODEM_NOT_READY',
  'MODEM_NOT_ATTACHED',
  'MODEM_NO_CELL_MEASUREMENTS',
]);

/** @param {Readonly<Record<string, unknown>>} c */
export function readConfig(c) {
  const num = (/** @type {string} */ k, /** @type {number} */ d) =>
    typeof c[k] === 'number' && Number.isFinite(c[k]) && /** @type {number} */ (c[k]) >= 0
      ? /** @type {number} */ (c[k])
      : d;
  return {
    minIntervalS: num('minIntervalS', 60),
    maxPerHour: num('maxPerHour', 20),
    intervalS: num('intervalS', 3600),
    cellCheckS: num('cellCheckS', 60),
    onRegistered: c.onRegistered !== false,
    retryInitialS: num('retryInitialS', 675),
    retryMaxS: num('retryMaxS', 86400),
    maxNeighbours: num('maxNeighbours', 8),
    sendTimeoutMs: num('sendTimeoutMs', 300_000),
    // -1: not sent (location_assistance.c adds /33625/0/8 only when the mask is >= 0).
    agpsElevationMask:
      typeof c.agpsElevationMask === 'number' && Number.isInteger(c.agpsElevationMask) ? c.agpsElevationMask : -1,
    pgpsPredictionCount: num('pgpsPredictionCount', 42),
    pgpsPredictionIntervalMin: num('pgpsPredictionIntervalMin', 240),
    pgpsStartGpsDay: num('pgpsStartGpsDay', 0),
    pgpsStartTimeOfDayS: num('pgpsStartTimeOfDayS', 0),
  };
}

/** Object 4 values for the serving cell (resource id → value). @param {ServingCell} s */
export function servingValues(s) {
  /** @type {Record<number, number>} */
  const v = {};
  if (typeof s.ci === 'number') v[CM.CELL_ID] = s.ci;
  if (typeof s.mnc === 'number') v[CM.SMNC] = s.mnc;
  if (typeof s.mcc === 'number') v[CM.SMCC] = s.mcc;
  if (typeof s.dbm === 'number') v[CM.RADIO_SIGNAL_STRENGTH] = s.dbm;
  if (typeof s.lac === 'number') v[CM.LAC] = s.lac;
  return v;
}

/** @param {ServingCell | undefined} s */
function cellKey(s) {
  return s && typeof s.ci === 'number' ? `${s.mcc ?? ''}-${s.mnc ?? ''}-${s.lac ?? ''}-${s.ci}` : undefined;
}

/**
 * @param {Pick<ActorContext, 'request' | 'log' | 'config'> & { send?: ActorContext['send'] }} ctx
 * @param {{ timers?: Clock }} [opts]
 */
export function createController(ctx, opts = {}) {
  const timers = opts.timers ?? realClock;
  const cfg = readConfig(ctx.config);
  const log = ctx.log;
  const rate = createRateLimit(cfg);
  const backoff = createBackoff({ initialS: cfg.retryInitialS, maxS: cfg.retryMaxS });
  let stopped = false;
  let registered = false;
  let inFlight = false;
  let permanentError = false;
  let tempError = false;
  /** @type {string | undefined} */ let lastCell;
  /** @type {unknown} */ let deferTimer;
  /** @type {string} */ let deferredReason = '';
  /** @type {unknown} */ let retryTimer;
  /** @type {unknown} */ let periodicTimer;
  /** @type {unknown} */ let cellTimer;
  const stats = {
    requests: 0,
    results: /** @type {number[]} */ ([]),
    rateLimited: 0,
    lastOutcome: /** @type {RequestOutcome | undefined} */ (undefined),
  };

  /** @param {RequestOutcome} o */
  const done = (o) => {
    stats.lastOutcome = o;
    return o;
  };

  /** @param {number} at @param {string} reason */
  const defer = (at, reason) => {
    deferredReason = reason;
    if (deferTimer !== undefined) return;
    deferTimer = timers.setTimeout(
      () => {
        deferTimer = undefined;
        void trigger(deferredReason);
      },
      Math.max(0, at - timers.now()),
    );
  };

  /** @param {string} reason @returns {Promise<RequestOutcome>} */
  async function trigger(reason) {
    if (stopped) return done({ sent: false, why: 'stopped', reason });
    if (permanentError) return done({ sent: false, why: 'permanent-error', reason });
    if (tempError && reason !== 'retry') return done({ sent: false, why: 'retry-scheduled', reason });
    if (inFlight) return done({ sent: false, why: 'in-flight', reason });
    const now = timers.now();
    const at = rate.nextAllowed(now);
    if (at > now) {
      stats.rateLimited++;
      log.debug({ reason, at }, 'ground fix request deferred by the rate limit');
      defer(at, reason);
      return done({ sent: false, why: 'rate-limited', at, reason });
    }
    return request(reason);
  }

  /** @param {string} reason @returns {Promise<RequestOutcome>} */
  async function request(reason) {
    inFlight = true;
    const at = timers.now();
    rate.record(at);
    try {
      /** @type {{ serving: ServingCell; neighbours: NeighbourCell[] }} */
      const m = await ctx.request('modem', { type: 'modem.cell-measurements' }, { timeoutMs: 90_000 });
      lastCell = cellKey(m.serving) ?? lastCell;
      await ctx.request('object:4', { type: 'connectivity.update', values: servingValues(m.serving) });
      await ctx.request('object:10256', {
        type: 'ecid.update',
        cells: (m.neighbours ?? []).slice(0, cfg.maxNeighbours),
      });
      /** @type {{ code?: string }} */
      const reply = await ctx.request(
        'client',
        { type: 'lwm2m.send', paths: GROUND_FIX_SEND_PATHS.map((p) => [...p]) },
        { timeoutMs: cfg.sendTimeoutMs },
      );
      stats.requests++;
      log.info(
        { reason, code: reply?.code, cell: lastCell, neighbours: m.neighbours?.length ?? 0 },
        'ground fix request sent',
      );
      return done({ sent: true, code: reply?.code, reason });
    } catch (err) {
      const code = /** @type {{ code?: unknown }} */ (err)?.code;
      if (typeof code === 'string' && NOT_SENT.has(code)) rate.unrecord(at);
      log.warn({ reason, code, err: /** @type {Error} */ (err)?.message }, 'ground fix request failed');
      return done({ sent: false, why: typeof code === 'string' ? code : 'error', reason });
    } finally {
      inFlight = false;
    }
  }

  /** Result code written by the server into /33626/0/1. @param {number} code */
  function onResult(code) {
    stats.results.push(code);
    if (code === RESULT.OK) {
      backoff.reset();
      tempError = false;
    } else if (code === RESULT.PERMANENT_ERR) {
      log.error({ code }, 'permanent error from the location service: no more ground fix requests until restart');
      permanentError = true;
      stopTimers();
    } else if (code === RESULT.TEMP_ERR) {
      tempError = true;
      const s = backoff.next();
      log.warn({ retryS: s }, 'temporary error from the location service: retry scheduled');
      if (retryTimer !== undefined) timers.clearTimeout(retryTimer);
      retryTimer = timers.setTimeout(() => {
        retryTimer = undefined;
        void trigger('retry');
      }, s * 1000);
    } else {
      log.warn({ code }, 'unknown ground fix result code');
    }
  }

  // GNSS assistance (33625): its own rate limit, backoff and error state (the SDK keeps a separate work item for it).
  const gnss = {
    rate: createRateLimit(cfg),
    backoff: createBackoff({ initialS: cfg.retryInitialS, maxS: cfg.retryMaxS }),
    tempError: false,
    permanentError: false,
    inFlight: false,
    /** @type {unknown} */ retryTimer: undefined,
    /** @type {{ kind: GnssKind; values: Record<number, number> } | undefined} */ last: undefined,
    results: /** @type {number[]} */ ([]),
    dataBytes: 0,
    requests: 0,
  };

  /**
   * A-GPS / P-GPS / XTRA request: parameters into /33625/0, then a Send of the SDK's paths (XTRA: the type alone). No
   * deferral: the GNSS side asks again.
   * @param {GnssKind} kind @param {Record<number, number>} values @param {string} reason
   * @returns {Promise<RequestOutcome>}
   */
  async function gnssRequest(kind, values, reason) {
    if (stopped) return { sent: false, why: 'stopped', reason };
    if (gnss.permanentError) return { sent: false, why: 'permanent-error', reason };
    if (gnss.tempError && reason !== 'retry') return { sent: false, why: 'retry-scheduled', reason };
    if (gnss.inFlight) return { sent: false, why: 'in-flight', reason };
    const at = timers.now();
    const next = gnss.rate.nextAllowed(at);
    if (next > at) return { sent: false, why: 'rate-limited', at: next, reason };
    gnss.inFlight = true;
    gnss.rate.record(at);
    gnss.last = { kind, values };
    try {
      await ctx.request(`object:${GNSS_ASSIST}`, { type: 'gnss.request', values });
      const paths =
        kind === 'agps'
          ? agpsSendPaths((values[GA.ELEVATION_MASK] ?? -1) >= 0)
          : kind === 'xtra'
            ? xtraSendPaths()
            : pgpsSendPaths((values[GA.PGPS_START_GPS_DAY] ?? 0) !== 0);
      /** @type {{ code?: string }} */
      const reply = await ctx.request(
        'client',
        { type: 'lwm2m.send', paths: paths.map((p) => [...p]) },
        { timeoutMs: cfg.sendTimeoutMs },
      );
      gnss.requests++;
      log.info({ kind, reason, code: reply?.code }, 'GNSS assistance request sent');
      return { sent: true, code: reply?.code, reason };
    } catch (err) {
      const code = /** @type {{ code?: unknown }} */ (err)?.code;
      if (typeof code === 'string' && NOT_SENT.has(code)) gnss.rate.unrecord(at);
      log.warn({ kind, reason, code, err: /** @type {Error} */ (err)?.message }, 'GNSS assistance request failed');
      return { sent: false, why: typeof code === 'string' ? code : 'error', reason };
    } finally {
      gnss.inFlight = false;
    }
  }

  /** @param {ActorMessage} msg */
  function agpsValues(msg) {
    const mask = typeof msg.mask === 'number' && Number.isInteger(msg.mask) && msg.mask >= 0 ? msg.mask : 0x1ff;
    const elevation =
      typeof msg.elevationMask === 'number' && Number.isInteger(msg.elevationMask)
        ? msg.elevationMask
        : cfg.agpsElevationMask;
    /** @type {Record<number, number>} */
    const v = { [GA.ASSIST_TYPE]: ASSIST_TYPE.AGPS, [GA.AGPS_MASK]: mask };
    if (elevation >= 0) v[GA.ELEVATION_MASK] = elevation;
    return v;
  }

  /** @param {ActorMessage} msg */
  function pgpsValues(msg) {
    const n = (/** @type {string} */ k, /** @type {number} */ d) =>
      typeof msg[k] === 'number' && Number.isInteger(msg[k]) ? /** @type {number} */ (msg[k]) : d;
    return {
      [GA.ASSIST_TYPE]: ASSIST_TYPE.PGPS,
      [GA.PGPS_PRED_COUNT]: n('predictionCount', cfg.pgpsPredictionCount),
      [GA.PGPS_PRED_INTERVAL]: n('predictionIntervalMin', cfg.pgpsPredictionIntervalMin),
      [GA.PGPS_START_GPS_DAY]: n('startGpsDay', cfg.pgpsStartGpsDay),
      [GA.PGPS_START_GPS_TIME_OF_DAY]: n('startTimeOfDayS', cfg.pgpsStartTimeOfDayS),
    };
  }

  /** Result code written into /33625/0/7 (location_assist_gnss_result_cb). @param {number} code */
  function onGnssResult(code) {
    gnss.results.push(code);
    if (code === RESULT.OK) {
      gnss.backoff.reset();
      gnss.tempError = false;
    } else if (code === RESULT.PERMANENT_ERR) {
      log.error({ code }, 'permanent error from the GNSS assistance service: no more requests until restart');
      gnss.permanentError = true;
      if (gnss.retryTimer !== undefined) timers.clearTimeout(gnss.retryTimer);
      gnss.retryTimer = undefined;
    } else if (code === RESULT.TEMP_ERR) {
      gnss.tempError = true;
      const s = gnss.backoff.next();
      log.warn({ retryS: s }, 'temporary error from the GNSS assistance service: retry scheduled');
      if (gnss.retryTimer !== undefined) timers.clearTimeout(gnss.retryTimer);
      gnss.retryTimer = timers.setTimeout(() => {
        gnss.retryTimer = undefined;
        if (gnss.last) void gnssRequest(gnss.last.kind, gnss.last.values, 'retry');
      }, s * 1000);
    } else {
      log.warn({ code }, 'unknown GNSS assistance result code');
    }
  }

  const schedulePeriodic = () => {
    if (cfg.intervalS <= 0 || stopped) return;
    periodicTimer = timers.setTimeout(() => {
      periodicTimer = undefined;
      if (registered) void trigger('periodic');
      schedulePeriodic();
    }, cfg.intervalS * 1000);
  };

  const checkCell = async () => {
    if (!registered || inFlight) return;
    try {
      /** @type {{ up?: boolean; cell?: ServingCell }} */
      const st = await ctx.request('modem', { type: 'modem.status' });
      const key = st.up ? cellKey(st.cell) : undefined;
      if (key === undefined) return;
      const changed = lastCell !== undefined && key !== lastCell;
      lastCell = key;
      if (changed) {
        log.info({ cell: key }, 'serving cell changed');
        await trigger('cell-change');
      }
    } catch (err) {
      log.debug({ err: /** @type {Error} */ (err)?.message }, 'modem.status failed');
    }
  };
  const scheduleCellCheck = () => {
    if (cfg.cellCheckS <= 0 || stopped) return;
    cellTimer = timers.setTimeout(() => {
      cellTimer = undefined;
      void checkCell().finally(scheduleCellCheck);
    }, cfg.cellCheckS * 1000);
  };

  function stopTimers() {
    for (const h of [deferTimer, retryTimer, periodicTimer, cellTimer]) if (h !== undefined) timers.clearTimeout(h);
    deferTimer = retryTimer = periodicTimer = cellTimer = undefined;
  }

  function stopGnssTimer() {
    if (gnss.retryTimer !== undefined) timers.clearTimeout(gnss.retryTimer);
    gnss.retryTimer = undefined;
  }

  const gnssFix = createGnssController({
    request: (to, msg, o) => ctx.request(to, msg, o),
    send: (to, msg) => (ctx.send ? ctx.send(to, msg) : void ctx.request(to, msg).catch(() => undefined)),
    log,
    timers,
    config: ctx.config,
    assist: (kind, reason) =>
      gnssRequest(
        kind,
        kind === 'xtra'
          ? { [GA.ASSIST_TYPE]: ASSIST_TYPE.XTRA }
          : agpsValues({ type: 'location.agps-request', elevationMask: gnssFix.config.elevationMask }),
        reason,
      ),
    groundFix: (reason) => trigger(reason),
  });

  schedulePeriodic();
  scheduleCellCheck();

  /**
   * The 'lwm2m.registered' event of a registration completed before this actor started was missed: ask the client once.
   */
  const onRegisteredEvent = () => {
    if (registered) return undefined;
    registered = true;
    // With GNSS on, the registration's position is a GNSS fix, the ground fix its fallback (not both).
    if (gnssFix.config.enabled && gnssFix.config.onRegistered) return gnssFix.onRegistered();
    return cfg.onRegistered ? trigger('registered') : undefined;
  };
  ctx.request('client', { type: 'client.state' }, { timeoutMs: 10_000 }).then(
    (/** @type {any} */ st) => {
      if (st?.registered === true && !stopped) void onRegisteredEvent();
    },
    (/** @type {any} */ err) =>
      ctx.log.debug({ err: err?.message }, 'client state not known at start; waiting for lwm2m.registered'),
  );

  return {
    trigger,
    /** @param {ActorMessage} msg */
    receive(msg) {
      switch (msg.type) {
        case 'lwm2m.registered':
          return onRegisteredEvent();
        case 'location.result': {
          if (typeof msg.code !== 'number') return { ok: true };
          if (msg.service !== 'gnss') {
            onResult(msg.code);
            return { ok: true };
          }
          // The injection of the data written with it decides too (GNSS_INJECT_FAILED counts as a failure).
          const effective = gnssFix.onResult(msg.code);
          if (typeof effective === 'number') {
            onGnssResult(effective);
            return { ok: true };
          }
          return effective.then((code) => {
            onGnssResult(code);
            return { ok: true };
          });
        }
        case 'location.gnss-fix':
          return gnssFix.fix(typeof msg.reason === 'string' ? msg.reason : 'request');
        case 'location.xtra-request':
          return gnssRequest(
            'xtra',
            { [GA.ASSIST_TYPE]: ASSIST_TYPE.XTRA },
            typeof msg.reason === 'string' ? msg.reason : 'request',
          );
        case 'location.agps-request':
          return gnssRequest('agps', agpsValues(msg), typeof msg.reason === 'string' ? msg.reason : 'request');
        case 'location.pgps-request':
          return gnssRequest('pgps', pgpsValues(msg), typeof msg.reason === 'string' ? msg.reason : 'request');
        case 'gnss.data':
          if (typeof msg.bytes === 'number') gnss.dataBytes += msg.bytes;
          if (msg.data instanceof Uint8Array) gnssFix.onData(String(msg.kind), msg.data);
          return { ok: true };
        case 'location.request':
          return trigger(typeof msg.reason === 'string' ? msg.reason : 'request');
        case 'location.status':
          return {
            registered,
            permanentError,
            tempError,
            retryS: backoff.seconds,
            lastCell,
            ...stats,
            results: [...stats.results],
            gnss: {
              requests: gnss.requests,
              results: [...gnss.results],
              tempError: gnss.tempError,
              permanentError: gnss.permanentError,
              retryS: gnss.backoff.seconds,
              dataBytes: gnss.dataBytes,
              fix: gnssFix.status(),
            },
          };
        default:
          return undefined;
      }
    },
    stop() {
      stopped = true;
      stopTimers();
      stopGnssTimer();
      gnssFix.stop();
    },
  };
}
