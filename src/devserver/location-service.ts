// location-service.ts: the dev server playing the cloud location service: a ground fix Send (/33626/0/0 + cells) gets a
// computed location written into /33626/0; a GNSS assistance Send (/33625) gets A-GNSS data (type 0, nRF Cloud schema
// v1), an XTRA-shaped file (type 2) or stand-in P-GPS bytes (type 1) in /33625/0/6, then its result code.
import { EventEmitter } from 'node:events';
import type { LwRecord, LwValue } from '../lwm2m/types.js';
import type { DevServer } from './server.js';
import type { SendEvent } from './types.js';
import { log as rootLog } from '../runtime/log.js';
import { agnssForSky } from './agnss-sky.js';
import { xtraFile } from './xtra.js';

/**
 * Object / resource IDs (sdk-nrf lwm2m_client_utils_location.h, ground_fix_obj.c, ecid_signal_meas_info.c; OMA object
 * 4).
 */
const GROUND_FIX = 33626;
const ECID = 10256;
const GNSS_ASSIST = 33625;

export interface GroundFixCells {
  serving: { ci?: number; mnc?: number; mcc?: number; lac?: number; rsrp?: number };
  neighbours: { pci?: number; earfcn?: number; rsrp?: number; rsrq?: number }[];
  reportBack: boolean;
}

export interface GroundFixLocation {
  lat: number;
  lon: number;
  accuracy: number;
}

export interface LocationAnswer {
  endpoint: string;
  cells: GroundFixCells;
  resultCode: number;
  location?: GroundFixLocation;
  /** Code of the server's Write to /33626/0 (or the error). */
  writeCode: string;
}

/**
 * A GNSS assistance request (Send holding /33625/0/0): 0 A-GPS with its mask, 1 P-GPS with its prediction parameters,
 * 2 XTRA file (this product's extension; no parameters).
 */
export interface GnssRequest {
  kind: 'agps' | 'pgps' | 'xtra';
  mask?: number;
  elevationMask?: number;
  predictionCount?: number;
  predictionIntervalMin?: number;
  startGpsDay?: number;
  startTimeOfDayS?: number;
}

export interface GnssAnswer {
  endpoint: string;
  request: GnssRequest;
  resultCode: number;
  /** Bytes of assistance data written into /33625/0/6. */
  bytes: number;
  /** The data itself (undefined with a result code other than 0). */
  data?: Uint8Array;
  writeCode: string;
}

export interface LocationServiceOptions {
  /** The service's clock (ms since the epoch) for the A-GNSS time and ephemerides (default Date.now). */
  now?: () => number;
  /** Size of the XTRA stand-in file (default XTRA_DEFAULT_BYTES). */
  xtraBytes?: number;
  /** Result code for GNSS assistance requests (default 0). */
  gnssResultCode?: (req: GnssRequest) => number;
  /** Fixed answers by cell key `<mcc>-<mnc>-<lac>-<ci>` (decimal); other cells get a deterministic hash location. */
  table?: Readonly<Record<string, GroundFixLocation>>;
  /** Result code to write (default 0 when the serving cell id is known, else 1 = temporary error). */
  resultCode?: (cells: GroundFixCells) => number;
}

/**
 * The simulated modem's serving cell (test network 001-01, TAC 0x1A2D, ECI 0x01A2D001) → Nordic's office in Trondheim.
 */
export const DEFAULT_TABLE: Readonly<Record<string, GroundFixLocation>> = {
  '1-1-6701-27447297': { lat: 63.4215, lon: 10.4381, accuracy: 400 },
};

export function cellKey(s: GroundFixCells['serving']): string {
  return `${s.mcc ?? ''}-${s.mnc ?? ''}-${s.lac ?? ''}-${s.ci ?? ''}`;
}

/** FNV-1a 32-bit. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
}

/**
 * The location for a set of cells: the table entry of the serving cell, else a deterministic point from a hash of the
 * cell key (latitude -60…70, longitude -180…180, 5 decimals). Accuracy: 3000 m with the serving cell alone, shrinking
 * with each neighbour (3000 / (1 + n), at least 150 m) — a toy model, not radio geometry.
 */
export function locateCells(
  cells: GroundFixCells,
  table: Readonly<Record<string, GroundFixLocation>> = DEFAULT_TABLE,
): GroundFixLocation {
  const key = cellKey(cells.serving);
  const fixed = table[key];
  if (fixed) return { ...fixed };
  const h = fnv1a(key);
  const h2 = fnv1a(key + '#');
  const round5 = (x: number): number => Math.round(x * 1e5) / 1e5;
  return {
    lat: round5(-60 + (h / 0xffffffff) * 130),
    lon: round5(-180 + (h2 / 0xffffffff) * 360),
    accuracy: Math.max(150, Math.round(3000 / (1 + cells.neighbours.length))),
  };
}

const num = (v: LwValue | undefined): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;

/** The serving cell of a Send's /4/0 records (the ground fix and A-GPS requests both carry it). */
export function servingCell(records: readonly LwRecord[]): GroundFixCells['serving'] {
  const at = (p: string): LwValue | undefined => records.find((r) => r.path.join('/') === p)?.value;
  const serving: GroundFixCells['serving'] = {};
  const set = (k: keyof GroundFixCells['serving'], p: string): void => {
    const v = num(at(p));
    if (v !== undefined) serving[k] = v;
  };
  set('ci', '4/0/8');
  set('mnc', '4/0/9');
  set('mcc', '4/0/10');
  set('rsrp', '4/0/2');
  set('lac', '4/0/12');
  return serving;
}

/** The ground fix request carried by a Send, or undefined when the Send is something else (no /33626/0/0). */
export function groundFixRequest(records: readonly LwRecord[]): GroundFixCells | undefined {
  const flag = records.find((r) => r.path.join('/') === `${GROUND_FIX}/0/0`)?.value;
  if (flag === undefined) return undefined;
  const serving = servingCell(records);
  const byInst = new Map<number, GroundFixCells['neighbours'][number]>();
  for (const r of records) {
    if (r.path[0] !== ECID || r.path.length < 3) continue;
    const inst = byInst.get(r.path[1]) ?? {};
    const v = num(r.value);
    if (v !== undefined) {
      if (r.path[2] === 0) inst.pci = v;
      if (r.path[2] === 2) inst.earfcn = v;
      if (r.path[2] === 3) inst.rsrp = v;
      if (r.path[2] === 4) inst.rsrq = v;
    }
    byInst.set(r.path[1], inst);
  }
  // Zeroed instances are unused slots (the SDK keeps all instances and zeroes the ones without a cell).
  const neighbours = [...byInst.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, c]) => c)
    .filter((c) => (c.pci ?? 0) !== 0 || (c.earfcn ?? 0) !== 0);
  return { serving, neighbours, reportBack: flag === true || flag === 1 };
}

/** The GNSS assistance request carried by a Send, or undefined (no /33625/0/0). */
export function gnssRequest(records: readonly LwRecord[]): GnssRequest | undefined {
  const at = (r: number): number | undefined =>
    num(records.find((x) => x.path.join('/') === `${GNSS_ASSIST}/0/${r}`)?.value);
  const type = at(0);
  if (type === undefined) return undefined;
  const req: GnssRequest = { kind: type === 1 ? 'pgps' : type === 2 ? 'xtra' : 'agps' };
  const put = (k: Exclude<keyof GnssRequest, 'kind'>, r: number): void => {
    const v = at(r);
    if (v !== undefined) req[k] = v;
  };
  if (req.kind === 'agps') {
    put('mask', 1);
    put('elevationMask', 8);
  } else if (req.kind === 'pgps') {
    put('predictionCount', 2);
    put('predictionIntervalMin', 3);
    put('startGpsDay', 4);
    put('startTimeOfDayS', 5);
  }
  return req;
}

/**
 * Stand-in P-GPS data (not nRF Cloud's prediction format: nothing on the device parses it): an ASCII tag and the
 * request's parameters, padded to 1500 bytes so the Write goes block-wise.
 */
export function fakeAssistanceData(req: GnssRequest): Uint8Array {
  const out = new Uint8Array(1500);
  const tag = Buffer.from(req.kind === 'agps' ? 'LWM2M-METER-DEV-AGPS' : 'LWM2M-METER-DEV-PGPS', 'ascii');
  out.set(tag, 0);
  const dv = new DataView(out.buffer);
  dv.setUint32(tag.length, req.kind === 'agps' ? (req.mask ?? 0) >>> 0 : (req.predictionCount ?? 0) >>> 0);
  for (let i = tag.length + 4; i < out.length; i++) out[i] = i & 0xff;
  return out;
}

/** What `attachLocationService` returns: answers so far, 'answer' / 'gnss' events, detach. */
export class LocationService extends EventEmitter<{ answer: [LocationAnswer]; gnss: [GnssAnswer] }> {
  readonly answers: LocationAnswer[] = [];
  readonly gnssAnswers: GnssAnswer[] = [];
  constructor(private readonly detachFn: () => void) {
    super();
  }
  detach(): void {
    this.detachFn();
  }
}

/**
 * Makes the dev server answer ground fix requests: on a Send holding /33626/0/0 it writes /33626/0/1 (result code) and,
 * when the client asked for the location back (/33626/0/0 true), /33626/0/2 latitude, /3 longitude, /4 accuracy — one
 * partial-update Write (POST /33626/0), as the nRF Cloud location service does through the LwM2M server.
 */
export function attachLocationService(s: DevServer, o: LocationServiceOptions = {}): LocationService {
  const log = rootLog.child({ mod: 'devserver-location' });
  const table = o.table ?? DEFAULT_TABLE;
  const now = o.now ?? Date.now;
  /** Type 0: A-GNSS for now, placed at the serving cell's location (as nRF Cloud uses the cell for its coarse fix). */
  const assistanceData = (req: GnssRequest, records: readonly LwRecord[]): Uint8Array => {
    if (req.kind === 'xtra') return xtraFile(now(), o.xtraBytes);
    if (req.kind === 'pgps') return fakeAssistanceData(req);
    const serving = servingCell(records);
    const at = serving.ci !== undefined ? locateCells({ serving, neighbours: [], reportBack: true }, table) : undefined;
    // An elevation mask (/33625/0/8, sent when >= 0) asks for filtered data: the satellites above it, no almanac.
    const mask = req.elevationMask !== undefined && req.elevationMask >= 0 ? req.elevationMask : undefined;
    return agnssForSky({
      timeMs: now(),
      ...(at ? { latitude: at.lat, longitude: at.lon, accuracyM: at.accuracy } : {}),
      ...(mask !== undefined ? { elevationMaskDeg: mask } : {}),
    });
  };
  const onGnss = (ep: string, req: GnssRequest, sent: readonly LwRecord[]): void => {
    const resultCode = o.gnssResultCode ? o.gnssResultCode(req) : 0;
    const data = resultCode === 0 ? assistanceData(req, sent) : undefined;
    const records: LwRecord[] = [
      ...(data ? [{ path: [GNSS_ASSIST, 0, 6], value: data }] : []),
      { path: [GNSS_ASSIST, 0, 7], value: resultCode },
    ];
    const finish = (writeCode: string): void => {
      const a: GnssAnswer = {
        endpoint: ep,
        request: req,
        resultCode,
        bytes: data?.length ?? 0,
        ...(data ? { data } : {}),
        writeCode,
      };
      svc.gnssAnswers.push(a);
      log.debug({ ep, kind: req.kind, resultCode, bytes: a.bytes, writeCode }, 'GNSS assistance answered');
      svc.emit('gnss', a);
    };
    s.write(ep, [GNSS_ASSIST, 0], records, { partial: true }).then(
      (r) => finish(r.code),
      (err: unknown) => {
        log.warn({ ep, err: (err as Error).message }, 'GNSS assistance write failed');
        finish((err as { code?: string }).code ?? 'error');
      },
    );
  };
  const onSend = (ev: SendEvent): void => {
    const g = ev.endpoint !== undefined ? gnssRequest(ev.records) : undefined;
    if (g && ev.endpoint !== undefined) onGnss(ev.endpoint, g, ev.records);
    const cells = groundFixRequest(ev.records);
    if (!cells || ev.endpoint === undefined) return;
    const ep = ev.endpoint;
    const resultCode = o.resultCode ? o.resultCode(cells) : cells.serving.ci !== undefined ? 0 : 1;
    const location = resultCode === 0 && cells.reportBack ? locateCells(cells, table) : undefined;
    const records: LwRecord[] = [{ path: [GROUND_FIX, 0, 1], value: resultCode }];
    if (location) {
      records.push(
        { path: [GROUND_FIX, 0, 2], value: location.lat },
        { path: [GROUND_FIX, 0, 3], value: location.lon },
        { path: [GROUND_FIX, 0, 4], value: location.accuracy },
      );
    }
    const finish = (writeCode: string): void => {
      const a: LocationAnswer = { endpoint: ep, cells, resultCode, writeCode, ...(location ? { location } : {}) };
      svc.answers.push(a);
      log.debug(
        { ep, cell: cellKey(cells.serving), neighbours: cells.neighbours.length, resultCode, location, writeCode },
        'ground fix answered',
      );
      svc.emit('answer', a);
    };
    s.write(ep, [GROUND_FIX, 0], records, { partial: true }).then(
      (r) => finish(r.code),
      (err: unknown) => {
        log.warn({ ep, err: (err as Error).message }, 'ground fix write failed');
        finish((err as { code?: string }).code ?? 'error');
      },
    );
  };
  s.on('send', onSend);
  const svc = new LocationService(() => {
    s.off('send', onSend);
  });
  return svc;
}
