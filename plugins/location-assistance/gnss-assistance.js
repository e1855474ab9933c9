// gnss-assistance.js: object 33625 GNSS Assistance (nRF Connect SDK): A-GPS / P-GPS / XTRA request parameters the
// client sends, assistance data and result code the server writes (the data goes to the controller, which injects it).
// @ts-check
import { ASSIST_TYPE, GA, GNSS_ASSIST } from './ids.js';

/** @typedef {import('lwm2m-meter/plugin').ObjectSpec} ObjectSpec */
/** @typedef {import('lwm2m-meter/plugin').ObjectRuntime} ObjectRuntime */
/** @typedef {import('lwm2m-meter/plugin').ResourceValue} ResourceValue */

/**
 * As sdk-nrf lwm2m/gnss_assistance_obj.c `fields[]`: 0 R s32, 1 R u32, 2–5 R s32, 6 W opaque, 7 W s32, 8 R s32. Version
 * 1.0, one instance.
 */
export const gnssAssistanceDefinition = {
  id: GNSS_ASSIST,
  name: 'GNSS Assistance',
  version: '1.0',
  multiple: false,
  description:
    'GNSS assistance requested through the LwM2M server: 0 A-GPS (nRF Cloud A-GNSS binary), 1 P-GPS, 2 XTRA file ' +
    '(this product: a Qualcomm XTRA file for BG95 / SIM7080 receivers, written whole into resource 6).',
  resources: [
    {
      id: GA.ASSIST_TYPE,
      name: 'Assistance type',
      type: 'integer',
      operations: 'R',
      mandatory: true,
      description: '0 A-GPS, 1 P-GPS, 2 XTRA file (product extension)',
    },
    { id: GA.AGPS_MASK, name: 'A-GPS assistance mask', type: 'unsigned', operations: 'R' },
    // gnss_assistance_obj.c PREDICTION_COUNT_MIN/MAX 1..168, PREDICTION_INTERVAL_MIN/MAX 120..480, START_TIME_MAX
    // 83699.
    {
      id: GA.PGPS_PRED_COUNT,
      name: 'P-GPS prediction count',
      type: 'integer',
      operations: 'R',
      range: { min: 1, max: 168 },
    },
    {
      id: GA.PGPS_PRED_INTERVAL,
      name: 'P-GPS prediction interval',
      type: 'integer',
      operations: 'R',
      units: 'min',
      range: { min: 120, max: 480 },
    },
    { id: GA.PGPS_START_GPS_DAY, name: 'P-GPS starting GPS day', type: 'integer', operations: 'R' },
    {
      id: GA.PGPS_START_GPS_TIME_OF_DAY,
      name: 'P-GPS starting time of day',
      type: 'integer',
      operations: 'R',
      units: 's',
      range: { min: 0, max: 83699 },
    },
    // An XTRA file is tens of kB: past the client's default cap on written values (client.maxValueBytes, 8 KiB); 128
    // KiB is what the modems' XTRA upload takes (docs/location-assistance.md).
    {
      id: GA.ASSIST_DATA,
      name: 'Assistance data',
      type: 'opaque',
      operations: 'W',
      range: { max: 128 * 1024 },
    },
    { id: GA.RESULT_CODE, name: 'Result code', type: 'integer', operations: 'W', mandatory: true },
    { id: GA.ELEVATION_MASK, name: 'Satellite elevation mask', type: 'integer', operations: 'R', units: 'deg' },
  ],
};

/** @param {ObjectRuntime} rt */
function controllerName(rt) {
  const c = rt.config.controller;
  return typeof c === 'string' ? c : 'plugin:location-assistance:controller';
}

/** @param {unknown} type the request's assistance type (/33625/0/0) @returns {'agps' | 'pgps' | 'xtra'} */
function kindOf(type) {
  return type === ASSIST_TYPE.PGPS ? 'pgps' : type === ASSIST_TYPE.XTRA ? 'xtra' : 'agps';
}

/** @type {ObjectSpec} */
const spec = {
  definition: /** @type {ObjectSpec['definition']} */ (gnssAssistanceDefinition),
  start(rt) {
    /** @type {Map<number, ResourceValue>} */
    const v = new Map();
    v.set(GA.ASSIST_TYPE, ASSIST_TYPE.AGPS);
    v.set(GA.AGPS_MASK, 0);
    v.set(GA.RESULT_CODE, 0);
    rt.createInstance(0, v);
  },
  // Side effects once the Write is stored (the server writes /33625/0/6 and /7 in one partial update): the data first,
  // then the result code, so the controller has injected (or failed to) before it reads the result.
  apply(w, rt) {
    const kind = kindOf(rt.get(0, GA.ASSIST_TYPE));
    const data = w.changes.find((c) => c.instanceId === 0 && c.resourceId === GA.ASSIST_DATA)?.value;
    if (data instanceof Uint8Array) {
      // The SDK hands the data to nrf_cloud_agnss_process / nrf_cloud_pgps_process_update; here the controller injects
      // it into the modem (`injectToModem`, default on). `gnssDataTo` (older config) also gets a copy.
      const to = rt.config.gnssDataTo;
      if (typeof to === 'string' && to !== '') rt.emit(to, { type: 'gnss.assistance', kind, data: data.slice() });
      rt.emit(controllerName(rt), { type: 'gnss.data', kind, bytes: data.length, data: data.slice() });
      // Not kept: resource 6 is write-only, and an XTRA file is tens of kB.
      rt.set(0, GA.ASSIST_DATA, new Uint8Array(0));
    }
    const code = w.changes.find((c) => c.instanceId === 0 && c.resourceId === GA.RESULT_CODE)?.value;
    if (typeof code === 'number') rt.emit(controllerName(rt), { type: 'location.result', code, service: 'gnss' });
    return undefined;
  },
  receive(msg, rt) {
    // The controller sets the request parameters before the Send (location_assist_agps_request_set and friends).
    if (msg.type !== 'gnss.request' || typeof msg.values !== 'object' || msg.values === null) return undefined;
    for (const [k, v] of Object.entries(/** @type {Record<string, unknown>} */ (msg.values))) {
      const rid = Number(k);
      if (
        typeof v === 'number' &&
        Number.isInteger(v) &&
        [
          GA.ASSIST_TYPE,
          GA.AGPS_MASK,
          GA.PGPS_PRED_COUNT,
          GA.PGPS_PRED_INTERVAL,
          GA.PGPS_START_GPS_DAY,
          GA.PGPS_START_GPS_TIME_OF_DAY,
          GA.ELEVATION_MASK,
        ].includes(rid)
      ) {
        rt.set(0, rid, v);
      }
    }
    return { ok: true };
  },
};

export default spec;
