// valve-config.js: reads the valve plugin's config (manifest defaults merged with plugins.config.valve) into a checked
// shape.
// @ts-check

/**
 * @typedef {{ kind: 'simulated' | 'gpiod', chip: string, line: number, activeLow?: boolean, mode?: 'hold' | 'exit' }} LineConfig
 * @typedef {{
 *   gpio: LineConfig, feedback: LineConfig | null, settleMs: number, failSafe: 'closed' | 'open',
 *   applicationType: string, faultErrorCode: number,
 *   leakRule: { enabled: boolean, on: 'detected' | 'suspected', pollMs: number },
 * }} ValveConfig
 */

/** @param {unknown} v @param {string} where @returns {LineConfig} */
function line(v, where) {
  const o = /** @type {Record<string, unknown>} */ (v ?? {});
  if (o.kind !== 'simulated' && o.kind !== 'gpiod') throw new Error(`${where}.kind must be "simulated" or "gpiod"`);
  if (typeof o.chip !== 'string' || o.chip === '') throw new Error(`${where}.chip must be a chip name`);
  if (typeof o.line !== 'number' || !Number.isInteger(o.line) || o.line < 0)
    throw new Error(`${where}.line must be a line number`);
  if (o.mode !== undefined && o.mode !== 'hold' && o.mode !== 'exit')
    throw new Error(`${where}.mode must be "hold" or "exit"`);
  return {
    kind: o.kind,
    chip: o.chip,
    line: o.line,
    activeLow: o.activeLow === true,
    ...(o.mode ? { mode: o.mode } : {}),
  };
}

/** @param {Readonly<Record<string, unknown>>} c @returns {ValveConfig} */
export function valveConfig(c) {
  const num = (/** @type {unknown} */ v, /** @type {number} */ d) => (typeof v === 'number' && v >= 0 ? v : d);
  const leak = /** @type {Record<string, unknown>} */ (c.leakRule ?? {});
  if (c.failSafe !== undefined && c.failSafe !== 'closed' && c.failSafe !== 'open')
    throw new Error('failSafe must be "closed" or "open"');
  return {
    gpio: line(c.gpio, 'gpio'),
    feedback: c.feedback ? line(c.feedback, 'feedback') : null,
    settleMs: num(c.settleMs, 2000),
    failSafe: c.failSafe === 'open' ? 'open' : 'closed',
    applicationType: typeof c.applicationType === 'string' ? c.applicationType : 'valve',
    faultErrorCode: num(c.faultErrorCode, 8),
    leakRule: {
      enabled: leak.enabled !== false,
      on: leak.on === 'suspected' ? 'suspected' : 'detected',
      pollMs: Math.max(10, num(leak.pollMs, 10000)),
    },
  };
}
