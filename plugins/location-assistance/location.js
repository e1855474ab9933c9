// location.js: object 6 Location (OMA): latitude, longitude, radius and timestamp of the last ground fix, set from
// object 33626's forwarded values.
// @ts-check
import { LOC, LOCATION } from './ids.js';

/** @typedef {import('lwm2m-meter/plugin').ObjectSpec} ObjectSpec */
/** @typedef {import('lwm2m-meter/plugin').ResourceValue} ResourceValue */

/** OMA LwM2M object 6 v1.0 (as Zephyr lwm2m_obj_location.c): all R; 0, 1, 5 mandatory; one instance. */
export const locationDefinition = {
  id: LOCATION,
  name: 'Location',
  version: '1.0',
  multiple: false,
  urn: 'urn:oma:lwm2m:oma:6',
  resources: [
    { id: LOC.LATITUDE, name: 'Latitude', type: 'float', operations: 'R', mandatory: true, units: 'deg' },
    { id: LOC.LONGITUDE, name: 'Longitude', type: 'float', operations: 'R', mandatory: true, units: 'deg' },
    { id: LOC.ALTITUDE, name: 'Altitude', type: 'float', operations: 'R', units: 'm' },
    { id: LOC.RADIUS, name: 'Radius', type: 'float', operations: 'R', units: 'm' },
    { id: LOC.VELOCITY, name: 'Velocity', type: 'opaque', operations: 'R' },
    { id: LOC.TIMESTAMP, name: 'Timestamp', type: 'time', operations: 'R', mandatory: true },
    { id: LOC.SPEED, name: 'Speed', type: 'float', operations: 'R', units: 'm/s' },
  ],
};

/**
 * @param {{ now?: () => number }} [opts] clock in ms (injectable for tests)
 * @returns {ObjectSpec}
 */
export function createLocationObject(opts = {}) {
  const now = opts.now ?? Date.now;
  return {
    definition: /** @type {ObjectSpec['definition']} */ (locationDefinition),
    start(rt) {
      if (!rt.instances().includes(0)) {
        rt.createInstance(
          0,
          new Map([
            [LOC.LATITUDE, 0],
            [LOC.LONGITUDE, 0],
            [LOC.TIMESTAMP, 0],
          ]),
        );
      }
    },
    receive(msg, rt) {
      if (msg.type !== 'location.update' || typeof msg.values !== 'object' || msg.values === null) return undefined;
      for (const [k, v] of Object.entries(/** @type {Record<string, unknown>} */ (msg.values))) {
        const rid = Number(k);
        if (typeof v !== 'number' || !Number.isFinite(v)) continue;
        if (![LOC.LATITUDE, LOC.LONGITUDE, LOC.ALTITUDE, LOC.RADIUS, LOC.SPEED, LOC.TIMESTAMP].includes(rid)) continue;
        rt.set(0, rid, v);
        // A new latitude stamps the fix time (ground_fix_obj.c forward_to_location_obj sets /6/0/5 with the latitude).
        if (rid === LOC.LATITUDE && !(LOC.TIMESTAMP in /** @type {object} */ (msg.values)))
          rt.set(0, LOC.TIMESTAMP, Math.floor(now() / 1000));
      }
      return { ok: true };
    },
  };
}

export default createLocationObject();
