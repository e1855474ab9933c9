// modem.ts: requests to the modem actor: reconnect, status, cell measurements, the modem's own UDP socket; the serial
// bridge hand-over.
import type { MessagePort } from 'node:worker_threads';
import type { PeerAddress } from '../coap/transport.js';
import type { CellMeasurements, RadioSnapshot } from '../modem/driver.js';
import type { GnssAssistanceFormat, GnssFix, GnssNeed, RfSharing } from '../modem/gnss/types.js';
import type { Ok } from './common.js';

/** client → modem: bring the LTE link up again (CFUN cycle); answered once network.up. */
export type ModemReconnect = { type: 'modem.reconnect' };
/** anyone → modem: link state, bearer and serving cell (from the last signal poll: no AT traffic). */
export type ModemStatus = { type: 'modem.status' };
export type ModemStatusReply = {
  up: boolean;
  bearer?: 'lte-m' | 'nb-iot' | 'host';
  ip?: string | undefined;
  state: unknown;
  kind: 'serial' | 'simulated' | undefined;
  cell?: Pick<RadioSnapshot, 'ci' | 'lac' | 'mcc' | 'mnc' | 'pci' | 'earfcn'>;
};
/**
 * location assistance → modem: serving + neighbour cells. Rejects with MODEM_NOT_READY / MODEM_NOT_ATTACHED /
 * MODEM_NO_CELL_MEASUREMENTS.
 */
export type ModemCellMeasurements = { type: 'modem.cell-measurements' };
/** socket → modem (modem.dataPath: modem-socket): open / send on / close the modem's own UDP socket. */
export type ModemSocketOpen = { type: 'modem.socket.open' };
export type ModemSocketSend = { type: 'modem.socket.send'; data: Uint8Array; to: PeerAddress };
export type ModemSocketClose = { type: 'modem.socket.close' };
/**
 * location → modem: one GNSS fix attempt, the RF held as the profile's sharing rule requires (exclusive: the client
 * holds its LTE traffic for the window). Rejects MODEM_NO_GNSS, MODEM_NOT_READY, GNSS_BUSY (an attempt is running),
 * GNSS_TIMEOUT, GNSS_RF_REFUSED (the client needs the RF first, e.g. an Update is due).
 */
export type ModemGnssFix = { type: 'modem.gnss.fix'; timeoutMs: number; accuracyM?: number };
/** location → modem: what assistance the receiver lacks, the format it takes and how it shares the RF. */
export type ModemGnssNeed = { type: 'modem.gnss.need' };
export type ModemGnssNeedReply = GnssNeed & { format: GnssAssistanceFormat; rf: RfSharing };
/** location → modem: assistance data (in the format modem.gnss.need named) to inject. Rejects GNSS_INJECT_FAILED. */
export type ModemGnssInject = { type: 'modem.gnss.inject'; data: Uint8Array };
/** main thread → modem: the worker end of the main-thread serial bridge (see modem/serial-bridge.ts), transferred. */
export type ModemSerialPort = { type: 'modem.serial-port'; port: MessagePort };

export interface ModemRequests {
  'modem.reconnect': { msg: ModemReconnect; reply: Ok };
  'modem.status': { msg: ModemStatus; reply: ModemStatusReply };
  'modem.cell-measurements': { msg: ModemCellMeasurements; reply: CellMeasurements };
  'modem.socket.open': { msg: ModemSocketOpen; reply: { ok: true; mtu: number } };
  'modem.socket.send': { msg: ModemSocketSend; reply: Ok };
  'modem.socket.close': { msg: ModemSocketClose; reply: Ok };
  'modem.gnss.fix': { msg: ModemGnssFix; reply: GnssFix };
  'modem.gnss.need': { msg: ModemGnssNeed; reply: ModemGnssNeedReply };
  'modem.gnss.inject': { msg: ModemGnssInject; reply: Ok };
}

export interface ModemEvents {
  'modem.serial-port': ModemSerialPort;
}
