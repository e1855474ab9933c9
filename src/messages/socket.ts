// socket.ts: messages to the socket actor (one per LwM2M server): transport lifecycle, coap.send, ACL refresh,
// modem-socket datagrams.
import type { CoapIncomingResponse, CoapOutgoingRequest } from '../coap/api.js';
import type { PeerAddress } from '../coap/transport.js';
import type { Ok } from './common.js';

/** Where the socket actor connects, chosen by the client from objects 0/1. */
export type ServerTarget = {
  /** Short server ID (0 for the bootstrap server). */
  ssid: number;
  uri: string;
  host: string;
  port: number;
  security: 'nosec' | 'psk';
  /** PSK identity (UTF-8) and key (base64), only for 'psk'. Never logged. */
  pskIdentity?: string;
  pskKey?: string;
};

/**
 * client → socket: opens (or re-opens) the transport to a server. Rejects with DTLS_HANDSHAKE_FAILED / NETWORK_ERROR.
 */
export type SocketOpen = { type: 'socket.open'; server: ServerTarget };
/** client → socket: closes the transport (answers still being sent get coap.closeDrainMs first). */
export type SocketClose = { type: 'socket.close' };
/**
 * client → socket: stop all retransmissions and sending. `reason`: 'lte-down', 'network-error', or 'queue-mode'
 * (client asleep: the socket may hold notifications until socket.resume).
 */
export type SocketPause = { type: 'socket.pause'; reason?: 'lte-down' | 'queue-mode' | 'network-error' };
/** client → socket: re-open to the same server (a no-op when open). Rejects with SOCKET_CLOSED when never opened. */
export type SocketResume = { type: 'socket.resume' };
/** anyone → socket (diagnostics): the lifecycle state. */
export type SocketState = { type: 'socket.state' };
/** anyone → socket (diagnostics, benchmarks): the transport's local address, when it can tell (UDP). */
export type SocketAddress = { type: 'socket.address' };
/**
 * client → socket: a CoAP request to the open server. Rejects with COAP_TIMEOUT, COAP_RESET, NETWORK_ERROR,
 * SOCKET_CLOSED.
 */
export type CoapSend = { type: 'coap.send'; req: CoapOutgoingRequest };
/** anyone → socket: CoAP ping (empty CON) to the open server; true when it answered with RST. */
export type CoapPing = { type: 'coap.ping' };
/**
 * object:1 / object:2's side → socket: objects 1 or 2 changed on the device side; read the Access Control table again.
 */
export type AclInvalidate = { type: 'acl.invalidate' };

/** modem → socket (modem.dataPath: modem-socket): a datagram from the modem's own UDP socket. */
export type ModemSocketRx = { type: 'modem.socket.rx'; data: Uint8Array; from: PeerAddress };
/** modem → socket: the modem's UDP socket failed. */
export type ModemSocketError = { type: 'modem.socket.error'; code: string; message: string };

export interface SocketRequests {
  'socket.open': { msg: SocketOpen; reply: Ok };
  'socket.close': { msg: SocketClose; reply: Ok };
  'socket.pause': { msg: SocketPause; reply: Ok };
  'socket.resume': { msg: SocketResume; reply: Ok };
  'socket.state': { msg: SocketState; reply: { state: string } };
  'socket.address': { msg: SocketAddress; reply: PeerAddress | undefined };
  'coap.send': { msg: CoapSend; reply: CoapIncomingResponse };
  'coap.ping': { msg: CoapPing; reply: boolean };
  'acl.invalidate': { msg: AclInvalidate; reply: Ok };
}

export interface SocketEvents {
  /** The client drives the socket's lifecycle without waiting (its statechart emits these). */
  'socket.pause': SocketPause;
  'socket.resume': SocketResume;
  'socket.close': SocketClose;
  'modem.socket.rx': ModemSocketRx;
  'modem.socket.error': ModemSocketError;
}
