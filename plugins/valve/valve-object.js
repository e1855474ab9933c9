// valve-object.js: IPSO Actuation 3306 for a valve relay: 5850 On/Off (true = open), 5852 On time, 5750 Application
// Type;
// fail-safe position at start, optional feedback line (mismatch after settleMs → /3/0/11 error code + Send), local leak
// rule.
// @ts-check
import { defineObject, status, openGpioOutput, openGpioInput, simulatedChip } from 'lwm2m-meter/plugin';
import { valveConfig } from './valve-config.js';

/** @typedef {import('lwm2m-meter/plugin').ObjectRuntime} ObjectRuntime */
/** @typedef {import('lwm2m-meter/plugin').Clock} Clock */

const ON_OFF = 5850;
const ON_TIME = 5852;
const APP_TYPE = 5750;

export function createValveObject() {
  /** The runtime's clock (`rt.clock`), taken at start. @type {Clock} */ let clock;
  /** @type {ReturnType<typeof valveConfig>} */ let cfg;
  /** @type {import('lwm2m-meter/plugin').GpioOutput} */ let out;
  /** @type {import('lwm2m-meter/plugin').GpioInput | undefined} */ let feedback;
  let open = false;
  let openedAt = 0;
  let onTimeMs = 0;
  let faults = 0;
  let leakActive = false;
  let leakClosures = 0;
  /** Paths still to report with Send (kept until the server has them: the leak rule works offline). */
  /** @type {Map<string, number[]>} */ const pending = new Map();
  /** @type {unknown} */ let settleTimer;
  /** @type {unknown} */ let pollTimer;
  let stopped = false;
  /**
   * The meter hears the valve's position once the valve was driven after its start (by a server, a local write or the
   * leak rule).
   */
  let meterFollows = false;
  /** Simulated feedback held at a level (a stuck valve); undefined = the simulated valve follows its relay. */
  /** @type {boolean | undefined} */ let stuck;

  /** The Send in flight, if any: one at a time, so a report is never sent twice while the client is still answering. */
  /** @type {Promise<void> | undefined} */ let flushing;
  let flushAgain = false;
  /**
   * Sends what is pending (one Send at a time; a call during a Send runs once more after it). @param {ObjectRuntime} rt
   * @returns {Promise<void>}
   */
  const flushReports = (rt) => {
    if (flushing) {
      flushAgain = true;
      return flushing;
    }
    flushing = (async () => {
      do {
        flushAgain = false;
        if (pending.size === 0) return;
        const batch = new Map(pending);
        try {
          await rt.request('client', { type: 'lwm2m.send', paths: [...batch.values()] }, { timeoutMs: 30_000 });
        } catch (err) {
          rt.log.debug({ err: /** @type {Error} */ (err).message }, 'valve report not sent yet; retrying later');
          return;
        }
        // A path reported again during the Send (a new entry) stays pending for the next one.
        for (const [k, p] of batch) if (pending.get(k) === p) pending.delete(k);
      } while (flushAgain);
    })().finally(() => {
      flushing = undefined;
    });
    return flushing;
  };
  /** @param {ObjectRuntime} rt @param {number[][]} paths */
  const report = (rt, paths) => {
    for (const p of paths) pending.set(p.join('/'), p);
    void flushReports(rt);
  };

  /** @param {ObjectRuntime} rt */
  const checkFeedback = async (rt) => {
    settleTimer = undefined;
    if (!feedback || stopped) return;
    let seen;
    try {
      seen = await feedback.read();
    } catch (err) {
      seen = undefined;
      rt.log.error({ err: /** @type {Error} */ (err).message }, 'valve feedback line unreadable');
    }
    if (seen === open) return;
    faults++;
    rt.log.error(
      {
        code: 'VALVE_FAULT',
        commanded: open ? 'open' : 'closed',
        feedback: seen === undefined ? 'unreadable' : seen ? 'open' : 'closed',
      },
      `valve fault: commanded ${open ? 'open' : 'closed'} but feedback says ${seen === undefined ? 'nothing' : seen ? 'open' : 'closed'} after ${cfg.settleMs} ms`,
    );
    rt.emit('object:3', { type: 'device.error', code: cfg.faultErrorCode });
    report(rt, [
      [3, 0, 11],
      [3306, 0, ON_OFF],
    ]);
  };

  /**
   * Drives the relay and records the position; the feedback is checked after settleMs. @param {ObjectRuntime} rt @param
   * {boolean} v @param {string} why @param {boolean} [atStart] the fail-safe drive at start (not reported to the meter)
   */
  const drive = async (rt, v, why, atStart = false) => {
    await out.set(v);
    const fb = cfg.feedback;
    if (fb?.kind === 'simulated' && stuck === undefined) simulatedChip(fb.chip).drive(fb.line, fb.activeLow ? !v : v);
    if (v && !open) openedAt = clock.now();
    if (!v && open) onTimeMs += clock.now() - openedAt;
    open = v;
    rt.log.info({ open: v, why }, `valve ${v ? 'opened' : 'closed'} (${why})`);
    if (settleTimer !== undefined) clock.clearTimeout(settleTimer);
    if (feedback) settleTimer = clock.setTimeout(() => void checkFeedback(rt), cfg.settleMs);
    // the meter's simulated source stops counting while the supply is shut; the fail-safe position at start is not
    // reported (a board's fail-safe is closed: a simulated meter would never move until a server opened the valve)
    if (!atStart) meterFollows = true;
    if (meterFollows) rt.emit('meter', { type: 'meter.valve', open: v });
  };

  /** @param {ObjectRuntime} rt @param {unknown} snapshot */
  const onMeter = async (rt, snapshot) => {
    const flags = /** @type {{ flags?: Record<string, unknown> } | undefined} */ (snapshot)?.flags;
    const leak = flags?.[cfg.leakRule.on === 'detected' ? 'leakDetected' : 'leakSuspected'] === true;
    if (leak && !leakActive) {
      leakActive = true;
      if (open) {
        await drive(rt, false, `leak ${cfg.leakRule.on}`);
        rt.set(0, ON_OFF, false);
        leakClosures++;
        rt.log.warn({ code: 'VALVE_LEAK_CLOSED' }, `leak ${cfg.leakRule.on} by the meter: valve closed locally`);
        report(rt, [
          [3306, 0, ON_OFF],
          [3424, 0, cfg.leakRule.on === 'detected' ? 10 : 9],
        ]);
      }
    } else if (!leak) {
      leakActive = false;
    }
  };

  /** @param {ObjectRuntime} rt */
  const poll = async (rt) => {
    pollTimer = undefined;
    try {
      // the position again: a meter that restarted since the last drive learns it
      if (meterFollows) rt.emit('meter', { type: 'meter.valve', open });
      const r = /** @type {{ snapshot?: unknown }} */ (
        await rt.request('meter', { type: 'meter.status' }, { timeoutMs: 5000 })
      );
      await onMeter(rt, r.snapshot);
    } catch {
      // meter absent or restarting: try again next time
    }
    await flushReports(rt);
    if (!stopped) pollTimer = clock.setTimeout(() => void poll(rt), cfg.leakRule.pollMs);
  };

  return defineObject({
    definition: {
      id: 3306,
      name: 'Actuation',
      version: '1.0',
      multiple: true,
      urn: 'urn:oma:lwm2m:ext:3306',
      resources: [
        {
          id: ON_OFF,
          name: 'On/Off',
          type: 'boolean',
          operations: 'RW',
          mandatory: true,
          description: 'true = valve open',
        },
        {
          id: ON_TIME,
          name: 'On time',
          type: 'integer',
          operations: 'RW',
          units: 's',
          description: 'seconds open since the last write of 0',
        },
        { id: APP_TYPE, name: 'Application Type', type: 'string', operations: 'RW' },
      ],
    },
    // The valve is hardware: neither a server nor a Bootstrap-Delete removes its instance.
    delete: () => status('4.05', 'the valve instance belongs to the device'),
    async start(rt) {
      clock = rt.clock;
      cfg = valveConfig(rt.config);
      stopped = false;
      out = openGpioOutput(cfg.gpio);
      feedback = cfg.feedback ? openGpioInput(cfg.feedback) : undefined;
      open = false;
      // Fail-safe first: on start-up and after every crash (the supervisor restarts this actor, and start runs again).
      await drive(rt, cfg.failSafe === 'open', 'fail-safe at start', true);
      rt.createInstance(
        0,
        new Map(
          /** @type {[number, import('lwm2m-meter/plugin').ResourceValue][]} */ ([
            [ON_OFF, open],
            [ON_TIME, 0],
            [APP_TYPE, cfg.applicationType],
          ]),
        ),
      );
      if (cfg.leakRule.enabled) pollTimer = clock.setTimeout(() => void poll(rt), 0);
    },
    async stop() {
      stopped = true;
      if (settleTimer !== undefined) clock.clearTimeout(settleTimer);
      if (pollTimer !== undefined) clock.clearTimeout(pollTimer);
      await out?.close();
      await feedback?.close();
    },
    read(t) {
      if (t.resourceId === ON_TIME) return Math.floor((onTimeMs + (open ? clock.now() - openedAt : 0)) / 1000);
      return undefined;
    },
    // Validation only (no side effects): another resource of the same Write may still be refused.
    write(t, value) {
      if (t.resourceId === ON_TIME && Number(value) < 0) return status('4.00', 'on time is seconds open: 0 or more');
      return undefined;
    },
    // Side effects, once every resource of the Write passed validation and is stored (instance 0 is the relay's). A
    // relay that cannot be driven refuses the Write: the runtime puts the old values back.
    async apply(w, rt) {
      for (const c of w.changes) {
        if (c.instanceId !== 0) continue;
        if (c.resourceId === ON_OFF) {
          try {
            await drive(rt, c.value === true, w.serverId > 0 ? `write by server ${w.serverId}` : 'local write');
          } catch (err) {
            rt.log.error({ err: /** @type {Error} */ (err).message }, 'valve relay could not be driven');
            return status('5.00', 'relay not driven');
          }
        }
        if (c.resourceId === ON_TIME) {
          onTimeMs = Number(c.value) * 1000;
          if (open) openedAt = clock.now();
        }
      }
      return undefined;
    },
    async receive(msg, rt) {
      switch (msg.type) {
        case 'meter.reading':
        case 'meter.leak':
          await onMeter(rt, msg.snapshot);
          return undefined;
        case 'valve.status':
          return {
            open,
            faults,
            leakActive,
            leakClosures,
            pendingReports: pending.size,
            relay: cfg.gpio.kind === 'simulated' ? simulatedChip(cfg.gpio.chip).level(cfg.gpio.line) : out.value,
            feedback:
              cfg.feedback?.kind === 'simulated'
                ? simulatedChip(cfg.feedback.chip).level(cfg.feedback.line)
                : undefined,
          };
        case 'valve.simulate-feedback': {
          // Simulated hardware only: hold the feedback input at a level (a stuck valve), or { value: null } to follow
          // the relay again.
          const fb = cfg.feedback;
          if (fb?.kind !== 'simulated' || (typeof msg.value !== 'boolean' && msg.value !== null)) return { ok: false };
          stuck = msg.value ?? undefined;
          if (stuck !== undefined) simulatedChip(fb.chip).drive(fb.line, stuck);
          return { ok: true };
        }
        default:
          return undefined;
      }
    },
  });
}

export default createValveObject();
