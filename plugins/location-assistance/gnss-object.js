// gnss-object.js: object 3430 Global Navigation Satellite System (OMNA, uCIFI 2.0), the resources this device fills:
// where /6's position came from (13 Fix type) and the server's "fix now" (26 Power command).
// @ts-check
import { FIX_TYPE, GN, GNSS_OBJECT } from './ids.js';

/** @typedef {import('lwm2m-meter/plugin').ObjectSpec} ObjectSpec */
/** @typedef {import('lwm2m-meter/plugin').ObjectRuntime} ObjectRuntime */
/** @typedef {import('lwm2m-meter/plugin').ResourceValue} ResourceValue */

/**
 * From the OMNA registry's 3430.xml (ObjectVersion 2.0): IDs, names, types and operations as there; the mandatory ones
 * (0, 1, 2, 28) and the optional ones the device knows. The other optional resources (DOPs, satellite lists, expected
 * position …) are not offered.
 */
export const gnssObjectDefinition = {
  id: GNSS_OBJECT,
  name: 'Global Navigation Satellite System',
  version: '2.0',
  multiple: false,
  urn: 'urn:oma:lwm2m:ext:3430:2.0',
  description:
    'The receiver state behind object 6: fix type (1 GNSS, 8 position from the server, 0 none), and a fix on demand.',
  resources: [
    { id: GN.FIX_TIMESTAMP, name: 'Fix timestamp', type: 'time', operations: 'R', mandatory: true },
    { id: GN.LATITUDE, name: 'Latitude', type: 'float', operations: 'R', mandatory: true, units: 'lat' },
    { id: GN.LONGITUDE, name: 'Longitude', type: 'float', operations: 'R', mandatory: true, units: 'lon' },
    { id: GN.ALTITUDE, name: 'Altitude', type: 'float', operations: 'R', units: 'm' },
    { id: GN.HEADING, name: 'Heading', type: 'float', operations: 'R', units: 'deg' },
    { id: GN.RADIUS, name: 'Radius', type: 'float', operations: 'R', units: 'm' },
    {
      id: GN.FIX_TYPE,
      name: 'Fix type',
      type: 'integer',
      operations: 'R',
      description: '0 no fix, 1 autonomous GNSS fix, 8 no GNSS fix: position provided by the server (ground fix)',
    },
    { id: GN.USED_SATELLITES, name: 'Used satellites', type: 'integer', operations: 'R' },
    {
      id: GN.POWER_COMMAND,
      name: 'Power command',
      type: 'boolean',
      operations: 'RW',
      description: 'true while the receiver runs a fix attempt; writing true starts one now',
    },
    { id: GN.STATUS, name: 'Status', type: 'string', operations: 'R', mandatory: true, description: 'A fix, V none' },
  ],
};

/** @param {ObjectRuntime} rt */
function controllerName(rt) {
  const c = rt.config.controller;
  return typeof c === 'string' ? c : 'plugin:location-assistance:controller';
}

/** @type {ObjectSpec} */
const spec = {
  definition: /** @type {ObjectSpec['definition']} */ (gnssObjectDefinition),
  start(rt) {
    if (rt.instances().includes(0)) return;
    /** @type {Map<number, ResourceValue>} */
    const v = new Map();
    v.set(GN.FIX_TIMESTAMP, 0);
    v.set(GN.LATITUDE, 0);
    v.set(GN.LONGITUDE, 0);
    v.set(GN.FIX_TYPE, FIX_TYPE.NONE);
    v.set(GN.POWER_COMMAND, false);
    v.set(GN.STATUS, 'V');
    rt.createInstance(0, v);
  },
  // A server's true on Power command asks the controller for a fix attempt now (the resource reads true while it
  // runs); false is kept but stops nothing (the modem's fix call has no abort; the attempt ends at its timeout).
  apply(w, rt) {
    const on = w.changes.find((c) => c.resourceId === GN.POWER_COMMAND && c.value === true);
    if (on && w.remote) rt.emit(controllerName(rt), { type: 'location.gnss-fix', reason: 'server' });
    return undefined;
  },
  receive(msg, rt) {
    if (msg.type === 'gnss-object.power' && typeof msg.on === 'boolean') {
      rt.set(0, GN.POWER_COMMAND, msg.on);
      return { ok: true };
    }
    if (msg.type !== 'gnss-object.update') return undefined;
    /** @type {[number, unknown][]} */
    const pairs = [
      [GN.LATITUDE, msg.latitude],
      [GN.LONGITUDE, msg.longitude],
      [GN.ALTITUDE, msg.altitudeM],
      [GN.HEADING, msg.headingDeg],
      [GN.RADIUS, msg.radiusM],
      [GN.FIX_TYPE, msg.fixType],
      [GN.USED_SATELLITES, msg.satellites],
      [GN.FIX_TIMESTAMP, msg.timeS],
    ];
    for (const [rid, v] of pairs) {
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      rt.set(0, rid, rid === GN.FIX_TYPE || rid === GN.USED_SATELLITES ? Math.round(v) : v);
    }
    rt.set(0, GN.STATUS, msg.fixType === FIX_TYPE.NONE ? 'V' : 'A');
    return { ok: true };
  },
};

export default spec;
