// ecid-signal-meas.js: object 10256 ECID-Signal Measurement Information: neighbour cell measurements, one instance per
// cell, filled by the controller ('ecid.update').
// @ts-check
import { EC, ECID } from './ids.js';

/** @typedef {import('lwm2m-meter/plugin').ObjectSpec} ObjectSpec */
/** @typedef {import('lwm2m-meter/plugin').ResourceValue} ResourceValue */

/**
 * As sdk-nrf lwm2m/ecid_signal_meas_info.c `fields[]`: all R, s32; 1 (ECGI), 4, 5 optional. Version 1.0, multiple
 * instances.
 */
export const ecidDefinition = {
  id: ECID,
  name: 'ECID-Signal Measurement Information',
  version: '1.0',
  multiple: true,
  description: 'E-UTRA neighbour cell measurements used for cell-based location.',
  resources: [
    {
      id: EC.PHYS_CELL_ID,
      name: 'physCellId',
      type: 'integer',
      operations: 'R',
      mandatory: true,
      range: { min: 0, max: 503 },
    },
    { id: EC.ECGI, name: 'ECGI', type: 'integer', operations: 'R' },
    { id: EC.ARFCN_EUTRA, name: 'arfcnEUTRA', type: 'integer', operations: 'R', mandatory: true },
    { id: EC.RSRP_RESULT, name: 'rsrp-Result', type: 'integer', operations: 'R', mandatory: true, units: 'dBm' },
    { id: EC.RSRQ_RESULT, name: 'rsrq-Result', type: 'integer', operations: 'R', units: 'dB' },
    { id: EC.UE_RXTX_TIMEDIFF, name: 'ue-RxTxTimeDiff', type: 'integer', operations: 'R' },
  ],
};

/**
 * Instance values for one neighbour cell (neighbour_cell_info.c update_signal_meas_object: 0, 2, 3, 4, 5; ECGI (1) is
 * not
 * set because a neighbour measurement carries no MCC/MNC).
 * @param {{ pci: number; earfcn: number; rsrpDbm?: number; rsrqDb?: number; timeDiff?: number }} c
 * @returns {Map<number, ResourceValue>}
 */
export function cellValues(c) {
  /** @type {Map<number, ResourceValue>} */
  const m = new Map([
    [EC.PHYS_CELL_ID, Math.trunc(c.pci)],
    [EC.ARFCN_EUTRA, Math.trunc(c.earfcn)],
    [EC.RSRP_RESULT, Math.round(c.rsrpDbm ?? 0)],
  ]);
  if (typeof c.rsrqDb === 'number') m.set(EC.RSRQ_RESULT, Math.round(c.rsrqDb));
  m.set(EC.UE_RXTX_TIMEDIFF, Math.trunc(c.timeDiff ?? 0));
  return m;
}

/** @param {unknown} c */
function isCell(c) {
  const x = /** @type {Record<string, unknown>} */ (c);
  return typeof c === 'object' && c !== null && Number.isFinite(x.pci) && Number.isFinite(x.earfcn);
}

/** Zeroed values of an unused instance (ecid_signal_meas_info.c reset_signal_meas_object). */
const ZERO = { pci: 0, earfcn: 0, rsrpDbm: 0, rsrqDb: 0, timeDiff: 0 };

/** @param {Readonly<Record<string, unknown>>} config */
const maxOf = (config) =>
  typeof config.maxNeighbours === 'number' && config.maxNeighbours >= 0 ? Math.floor(config.maxNeighbours) : 8;
/** @param {Readonly<Record<string, unknown>>} config */
const dynamic = (config) => config.ecidInstances === 'dynamic';

/** @type {ObjectSpec} */
const spec = {
  definition: /** @type {ObjectSpec['definition']} */ (ecidDefinition),
  start(rt) {
    // 'fixed' (default, as the SDK): all maxNeighbours instances exist from the start, unused ones zeroed, so a change
    // in the number of neighbours never changes the registration links (no Update). 'dynamic': one instance per cell.
    if (dynamic(rt.config)) return;
    for (let i = 0; i < maxOf(rt.config); i++) if (!rt.instances().includes(i)) rt.createInstance(i, cellValues(ZERO));
  },
  receive(msg, rt) {
    if (msg.type !== 'ecid.update' || !Array.isArray(msg.cells)) return undefined;
    const max = maxOf(rt.config);
    const cells = msg.cells.filter(isCell).slice(0, max);
    const count = dynamic(rt.config) ? cells.length : max;
    for (let i = 0; i < count; i++) {
      const values = cellValues(/** @type {any} */ (cells[i] ?? ZERO));
      if (rt.instances().includes(i)) {
        for (const r of ecidDefinition.resources) {
          const v = values.get(r.id);
          if (v !== undefined && rt.get(i, r.id) !== v) rt.set(i, r.id, v);
        }
      } else rt.createInstance(i, values);
    }
    for (const i of rt.instances()) if (i >= count) rt.deleteInstance(i);
    return { ok: true, cells: cells.length };
  },
};

export default spec;
