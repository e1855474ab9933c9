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
/**
 * object 33626 → object 6: the location the server wrote back (resource id → value), source 'cell'; the controller →
 * object 6: a GNSS fix, source 'gnss', with heading and satellites (a cell position does not replace a recent GNSS
 * fix).
 */
export type LocationUpdate = {
  type: 'location.update';
  values: Record<number, unknown>;
  source?: 'gnss' | 'cell';
  headingDeg?: number;
  satellites?: number;
};
/** anyone (object 3430's Power command) → controller: one GNSS fix attempt now (reply: { fixed, why?, assisted? }). */
export type LocationGnssFix = { type: 'location.gnss-fix'; reason?: string };
/** anyone → controller: ask the server for an XTRA file (assistance type 2). */
export type LocationXtraRequest = { type: 'location.xtra-request'; reason?: string };
/** object 6 → object 3430: the fix shown and its source (Fix type 1 GNSS, 8 server-provided position). */
export type GnssObjectUpdate = {
  type: 'gnss-object.update';
  fixType: number;
  latitude?: unknown;
  longitude?: unknown;
  altitudeM?: unknown;
  radiusM?: unknown;
  headingDeg?: unknown;
  satellites?: unknown;
  timeS?: unknown;
};
/** controller → object 3430: the receiver is on (a fix attempt runs) or off. */
export type GnssObjectPower = { type: 'gnss-object.power'; on: boolean };
/** controller → object 10256: the neighbour cells to show, one instance each. */
export type EcidUpdate = { type: 'ecid.update'; cells: NeighbourCell[] };
/** controller → object 33625: the request parameters to send (resource id → value). */
export type GnssRequest = { type: 'gnss.request'; values: Record<number, unknown> };
/** object 33625 → controller: assistance data arrived (its size, and the data the controller injects). */
export type GnssData = { type: 'gnss.data'; kind: string; bytes: number; data?: Uint8Array };
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
  'location.gnss-fix': { msg: LocationGnssFix; reply: unknown };
  'location.xtra-request': { msg: LocationXtraRequest; reply: unknown };
}

export interface LocationEvents {
  'location.result': LocationResult;
  'location.update': LocationUpdate;
  'gnss.data': GnssData;
  'gnss.assistance': GnssAssistance;
  'ground-fix.report-back': GroundFixReportBack;
  'gnss-object.update': GnssObjectUpdate;
  'gnss-object.power': GnssObjectPower;
}
