// location.ts: the location-assistance plugin's messages (plugins/location-assistance, plain JS): its controller actor
// and objects 6, 10256, 33625, 33626.
import type { NeighbourCell } from '../modem/profiles/types.js';

/** anyone → controller: run a ground-fix (cell-based location) request now. */
export type LocationRequest = { type: 'location.request'; reason?: string };
/** anyone → controller: counters, back-off and the last results. */
export type LocationStatus = { type: 'location.status' };
/** object 33626 / 33625 → controller: the result code the server wrote back (service 'gnss' for A-GPS / P-GPS). */
export type LocationResult = { type: 'location.result'; code: number; service?: 'gnss' };
/** anyone → controller: ask the server for A-GPS / P-GPS assistance (request parameters as the object's resources). */
export type LocationAgpsRequest = { type: 'location.agps-request'; reason?: string; [field: string]: unknown };
export type LocationPgpsRequest = { type: 'location.pgps-request'; reason?: string; [field: string]: unknown };
/** object 33626 → object 6: the location the server wrote back (resource id → value). */
export type LocationUpdate = { type: 'location.update'; values: Record<number, unknown> };
/** controller → object 10256: the neighbour cells to show, one instance each. */
export type EcidUpdate = { type: 'ecid.update'; cells: NeighbourCell[] };
/** controller → object 33625: the request parameters to send (resource id → value). */
export type GnssRequest = { type: 'gnss.request'; values: Record<number, unknown> };
/** object 33625 → controller: assistance data arrived (its size); → the configured receiver: the data itself. */
export type GnssData = { type: 'gnss.data'; kind: string; bytes: number };
export type GnssAssistance = { type: 'gnss.assistance'; kind: string; data: Uint8Array };
/** anyone → object 33626: whether the server is asked to report the location back. */
export type GroundFixReportBack = { type: 'ground-fix.report-back'; value: boolean };

export interface LocationRequests {
  'location.request': { msg: LocationRequest; reply: unknown };
  'location.status': { msg: LocationStatus; reply: Record<string, unknown> };
  'location.agps-request': { msg: LocationAgpsRequest; reply: unknown };
  'location.pgps-request': { msg: LocationPgpsRequest; reply: unknown };
  'ecid.update': { msg: EcidUpdate; reply: unknown };
  'gnss.request': { msg: GnssRequest; reply: unknown };
}

export interface LocationEvents {
  'location.result': LocationResult;
  'location.update': LocationUpdate;
  'gnss.data': GnssData;
  'gnss.assistance': GnssAssistance;
  'ground-fix.report-back': GroundFixReportBack;
}
