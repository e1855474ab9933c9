// location.js: object 6 Location (OMA): the last position, from a GNSS fix (all resources, Velocity encoded as
// 3GPP TS 23.032) or the server's ground fix (latitude, longitude, radius); says the source to object 3430.
// @ts-check
import { FIX_TYPE, GNSS_OBJECT, LOC, LOCATION } from './ids.js';
import { encodeHorizontalVelocity } from './velocity.js';

/** @typedef {import('lwm2m-meter/plugin').ObjectSpec} ObjectSpec */
/** @typedef {import('lwm2m-meter/plugin').ObjectRuntime} ObjectRuntime */

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

/** Resources a `location.update` may set directly (Velocity is computed from speed and heading). */
const SETTABLE = [LOC.LATITUDE, LOC.LONGITUDE, LOC.ALTITUDE, LOC.RADIUS, LOC.SPEED, LOC.TIMESTAMP];

/**
 * `location.update { values, source?, headingDeg?, satellites? }`: `source` 'gnss' (a receiver fix) or 'cell' (the
 * ground fix; the default, as object 33626 forwards it). A cell position does not replace a GNSS fix younger than
 * `gnss.keepOverCellS` (plugin config): a cell is kilometres wide, the receiver metres.
 * @param {{ now?: () => number }} [opts] clock in ms (injectable for tests; default rt.clock)
 * @returns {ObjectSpec}
 */
export function createLocationObject(opts = {}) {
  /** @type {number | undefined} ms of the last GNSS fix shown */
  let gnssAt;
  /** @param {ObjectRuntime} rt */
  const keepMs = (rt) => {
    const g = /** @type {{ keepOverCellS?: unknown } | undefined} */ (rt.config.gnss);
    return typeof g?.keepOverCellS === 'number' && g.keepOverCellS >= 0 ? g.keepOverCellS * 1000 : 86_400_000;
  };
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
      const now = (opts.now ?? (() => rt.clock.now()))();
      const values = /** @type {Record<string, unknown>} */ (msg.values);
      const source = msg.source === 'gnss' ? 'gnss' : 'cell';
      if (source === 'cell' && gnssAt !== undefined && now - gnssAt < keepMs(rt)) {
        rt.log.debug({ ageS: Math.round((now - gnssAt) / 1000) }, 'ground fix not shown: a recent GNSS fix stands');
        return { ok: true, shown: false };
      }
      for (const [k, v] of Object.entries(values)) {
        const rid = Number(k);
        if (typeof v !== 'number' || !Number.isFinite(v) || !SETTABLE.includes(rid)) continue;
        rt.set(0, rid, v);
        // A new latitude stamps the fix time (ground_fix_obj.c forward_to_location_obj sets /6/0/5 with the latitude).
        if (rid === LOC.LATITUDE && !(LOC.TIMESTAMP in values)) rt.set(0, LOC.TIMESTAMP, Math.floor(now / 1000));
      }
      const speed = values[LOC.SPEED];
      if (source === 'gnss' && typeof speed === 'number') {
        const heading = typeof msg.headingDeg === 'number' ? msg.headingDeg : 0;
        rt.set(0, LOC.VELOCITY, encodeHorizontalVelocity(speed, heading));
      }
      if (source === 'gnss') gnssAt = now;
      rt.emit(`object:${GNSS_OBJECT}`, {
        type: 'gnss-object.update',
        fixType: source === 'gnss' ? FIX_TYPE.GNSS : FIX_TYPE.ASSISTED_POSITION,
        latitude: rt.get(0, LOC.LATITUDE),
        longitude: rt.get(0, LOC.LONGITUDE),
        altitudeM: source === 'gnss' ? values[LOC.ALTITUDE] : undefined,
        radiusM: rt.get(0, LOC.RADIUS),
        headingDeg: source === 'gnss' ? msg.headingDeg : undefined,
        satellites: source === 'gnss' ? msg.satellites : undefined,
        timeS: rt.get(0, LOC.TIMESTAMP),
      });
      return { ok: true, shown: true };
    },
  };
}

export default createLocationObject();
