// ground-fix.js: object 33626 Ground Fix (nRF Connect SDK location assistance): the request flag the client sends, the
// result code and location the server writes back.
// @ts-check
import { GF, GROUND_FIX, LOC, LOCATION } from './ids.js';

/** @typedef {import('lwm2m-meter/plugin').ObjectSpec} ObjectSpec */
/** @typedef {import('lwm2m-meter/plugin').ObjectRuntime} ObjectRuntime */

/**
 * As sdk-nrf lwm2m/ground_fix_obj.c `fields[]`: 0 R bool, 1 W s32, 2–4 W (optional) float. Version 1.0, one instance.
 */
export const groundFixDefinition = {
  id: GROUND_FIX,
  name: 'Ground Fix Location',
  version: '1.0',
  multiple: false,
  description: 'Cell / Wi-Fi based location computed by the server (nRF Cloud through the LwM2M server).',
  resources: [
    { id: GF.SEND_LOCATION_BACK, name: 'Send location back', type: 'boolean', operations: 'R', mandatory: true },
    {
      id: GF.RESULT_CODE,
      name: 'Result code',
      type: 'integer',
      operations: 'W',
      mandatory: true,
      description: '0 OK, 1 temporary error (retry with backoff), -1 permanent error',
    },
    { id: GF.LATITUDE, name: 'Latitude', type: 'float', operations: 'W', units: 'deg' },
    { id: GF.LONGITUDE, name: 'Longitude', type: 'float', operations: 'W', units: 'deg' },
    { id: GF.ACCURACY, name: 'Accuracy', type: 'float', operations: 'W', units: 'm' },
  ],
};

/** Which object 6 resource a written ground fix resource goes to (ground_fix_obj.c forward_to_location_obj). */
const FORWARD = { [GF.LATITUDE]: LOC.LATITUDE, [GF.LONGITUDE]: LOC.LONGITUDE, [GF.ACCURACY]: LOC.RADIUS };

/** @param {ObjectRuntime} rt */
function controllerName(rt) {
  const c = rt.config.controller;
  return typeof c === 'string' ? c : 'plugin:location-assistance:controller';
}

/** @type {ObjectSpec} */
const spec = {
  definition: /** @type {ObjectSpec['definition']} */ (groundFixDefinition),
  start(rt) {
    /** @type {Map<number, import('lwm2m-meter/plugin').ResourceValue>} */
    const values = new Map();
    values.set(GF.SEND_LOCATION_BACK, rt.config.reportBack !== false);
    values.set(GF.RESULT_CODE, 0);
    rt.createInstance(0, values);
  },
  // Side effects after the Write is stored (the server writes /33626/0/1–4 in one partial update): the result code to
  // the controller, the position to object 6 in one message.
  apply(w, rt) {
    /** @type {Record<number, number>} */
    const forward = {};
    for (const c of w.changes) {
      if (c.instanceId !== 0 || typeof c.value !== 'number') continue;
      if (c.resourceId === GF.RESULT_CODE) {
        rt.emit(controllerName(rt), { type: 'location.result', code: c.value });
        if (c.value !== 0) rt.log.warn({ code: c.value }, 'ground fix result code');
      }
      const to = FORWARD[c.resourceId];
      if (to !== undefined) forward[to] = c.value;
    }
    if (Object.keys(forward).length > 0 && rt.config.forwardToLocation !== false)
      rt.emit(`object:${LOCATION}`, { type: 'location.update', values: forward, source: 'cell' });
    return undefined;
  },
  receive(msg, rt) {
    // The controller sets the report-back flag before a request (ground_fix_set_report_back).
    if (msg.type === 'ground-fix.report-back' && typeof msg.value === 'boolean') {
      rt.set(0, GF.SEND_LOCATION_BACK, msg.value);
      return { ok: true };
    }
    return undefined;
  },
};

export default spec;
