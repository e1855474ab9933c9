// messages.ts: the names and shapes of messages between the built-in actors (client, socket, object:N, modem, meter, firmware).
import type { CoapIncomingResponse, CoapOutgoingRequest } from '../coap/api.js';
import type { LwRecord, Path } from '../lwm2m/types.js';

/** Actor names. Object actors are `object:<objectId>` (built-in and plugin objects alike). */
export const ActorNames = {
  client: 'client',
  socket: 'socket',
  modem: 'modem',
  meter: 'meter',
  firmware: 'firmware',
  object: (objectId: number): string => `object:${objectId}`,
} as const;

/** Where the socket actor connects, chosen by the client from objects 0/1. */
export interface ServerTarget {
  /** Short server ID (0 for the bootstrap server). */
  ssid: number;
  uri: string;
  host: string;
  port: number;
  security: 'nosec' | 'psk';
  /** PSK identity (UTF-8) and key (base64), only for 'psk'. Never logged. */
  pskIdentity?: string;
  pskKey?: string;
}

// ---- client → socket (requests; reply shapes in comments) ----
/** Opens (or re-opens) the transport to a server. Reply: { ok: true } or rejection with code DTLS_HANDSHAKE_FAILED / NETWORK_ERROR. */
export interface SocketOpen { type: 'socket.open'; server: ServerTarget }
/** Closes the transport. Reply: { ok: true }. */
export interface SocketClose { type: 'socket.close' }
/**
 * LTE down: stop all retransmissions and sending; queue nothing. Reply: { ok: true }.
 * `reason` (optional, added by the client): 'lte-down', 'network-error', or 'queue-mode' (client asleep: the socket may hold notifications until socket.resume).
 */
export interface SocketPause { type: 'socket.pause'; reason?: 'lte-down' | 'queue-mode' | 'network-error' }
export interface SocketResume { type: 'socket.resume' }
/** Sends a CoAP request to the open server. Reply: CoapIncomingResponse; rejection codes COAP_TIMEOUT, COAP_RESET, NETWORK_ERROR, SOCKET_CLOSED. */
export interface CoapSend { type: 'coap.send'; req: CoapOutgoingRequest }
export type CoapSendReply = CoapIncomingResponse;

// ---- socket → client ----
/** Published by the socket actor when the transport fails (the client decides: LwM2M reconnect or LTE reconnect). */
export interface NetworkErrorEvent {
  type: 'network.error'; code: string; message: string; source: 'socket' | 'modem';
  /** The socket actor's name ('socket', 'socket:<ssid>'): each client follows its own socket's errors only. */
  socket?: string;
}
/** Sent to the client on every request from the server (queue-mode timer restarts). */
export interface ServerActivity { type: 'lwm2m.server-activity'; ssid: number }
/** Bootstrap-Finish (POST /bs) from the bootstrap server, forwarded to the client as a request. Reply: { code: '2.04' | '4.06' … }. */
export interface BootstrapFinish { type: 'lwm2m.bootstrap-finish' }

// ---- client → everyone (published) ----
/** The client (re-)registered or updated its registration: a good moment to send what is queued (meter). */
export interface Registered { type: 'lwm2m.registered'; ssid: number; location: string[] }

// ---- anyone → client ----
/** LwM2M Send (POST /dp) of records (time-stamped or not) or of current values at paths. Reply: { code } from the server (2.04 = stored). Rejects when not registered (code NOT_REGISTERED). */
export interface SendRequest { type: 'lwm2m.send'; records?: LwRecord[]; paths?: Path[] }
/** An object or instance appeared / disappeared: the client sends a registration Update with new links. */
export interface ObjectsChanged { type: 'lwm2m.objects-changed' }
/** /1/x/8 Registration Update Trigger, /1/x/9 Bootstrap-Request Trigger, /1/x/4 Disable (from object 1's actor). */
export interface ServerTrigger { type: 'lwm2m.trigger'; trigger: 'update' | 'bootstrap' | 'disable'; ssid: number; disableTimeout?: number }

// ---- modem → everyone (published) ----
export interface NetworkUp { type: 'network.up'; bearer: 'lte-m' | 'nb-iot' | 'host'; ip?: string }
export interface NetworkDown { type: 'network.down'; reason: string }
/** Client → modem: bring the LTE link up again (CFUN cycle). Reply: { ok: true } once network.up, or rejection. */
export interface ModemReconnect { type: 'modem.reconnect' }
/** Modem → object:4: new connectivity values (resource id → value). */
export interface ConnectivityUpdate { type: 'connectivity.update'; values: Record<number, unknown> }

export type ClientInbound = NetworkErrorEvent | ServerActivity | BootstrapFinish | SendRequest | ObjectsChanged | ServerTrigger | NetworkUp | NetworkDown;
export type SocketInbound = SocketOpen | SocketClose | SocketPause | SocketResume | CoapSend;

// ---- client → main thread ----
/** The primary client's LwM2M server accounts (sent to RUNTIME_ADDRESS whenever they change): the main thread starts a client/socket pair for each further one. */
export interface ServerAccountsReport { type: 'lwm2m.server-accounts'; primary: number; ssids: number[] }

export function isServerAccountsReport(m: unknown): m is ServerAccountsReport {
  const r = m as Partial<ServerAccountsReport> | null;
  return r !== null && typeof r === 'object' && r.type === 'lwm2m.server-accounts' && typeof r.primary === 'number'
    && Array.isArray(r.ssids) && r.ssids.every((x) => Number.isInteger(x) && x > 0 && x < 65535);
}
