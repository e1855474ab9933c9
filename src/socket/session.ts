// session.ts: which LwM2M interface a server request may use on this socket's session: the bootstrap server's
// session (from its own address) gets the bootstrap interface, a DM server's session the device-management interface
// without the Security object.
import { isIP } from 'node:net';
import type { CoapIncomingRequest } from '../coap/api.js';
import type { PeerAddress } from '../coap/transport.js';
import type { StatusCode } from '../lwm2m/object-api.js';
import type { Path } from '../lwm2m/types.js';

/** Object 0: provisioned by the bootstrap server only (LwM2M Core §E.1: "not accessible by any LwM2M Server"). */
export const SECURITY_OBJECT_ID = 0;

export interface Session {
  /** The socket is connected to the bootstrap server (short server ID 0). */
  bootstrap: boolean;
  /** The connected server's address; absent: not checked (a router without a socket, in tests). */
  peer?: PeerAddress | undefined;
}

export interface Refusal {
  code: StatusCode;
  message: string;
}

/** POST /bs: Bootstrap-Finish. */
export function isBootstrapFinish(req: Pick<CoapIncomingRequest, 'method' | 'path'>): boolean {
  return req.method === 'POST' && req.path.length === 1 && req.path[0] === 'bs';
}

/**
 * True when a datagram's sender is the connected server. The port must match; the address too, except when the
 * server is named by a host name and the sender is an IP address: the UDP transport reports the name for datagrams
 * from the address it resolved, but a modem reports addresses, which cannot be matched to the name here.
 */
export function fromServer(from: PeerAddress, peer: PeerAddress): boolean {
  if (from.port !== peer.port) return false;
  if (from.address === peer.address) return true;
  return isIP(peer.address) === 0 && isIP(from.address) !== 0;
}

/**
 * The refusal for a request on this session before its payload is decoded, or undefined when it may go on.
 * `path` is the request's LwM2M path (undefined when Uri-Path is not one, e.g. /bs).
 * - Bootstrap session: only the bootstrap server's address, and only the bootstrap interface: Read / Discover (GET
 *   without Observe), Write (PUT with a payload), Delete, Bootstrap-Finish; anything else 4.05.
 * - DM session: Bootstrap-Finish and every operation on /0 (Discover, Observe, Write-Attributes, Execute … included)
 * 4.01.
 */
export function sessionRefusal(
  req: Pick<CoapIncomingRequest, 'method' | 'path' | 'from' | 'observe' | 'contentFormat' | 'payload'>,
  path: Path | undefined,
  s: Session,
): Refusal | undefined {
  if (s.bootstrap) {
    if (s.peer && !fromServer(req.from, s.peer)) return { code: '4.01', message: 'not the bootstrap server' };
    if (isBootstrapFinish(req)) return undefined;
    switch (req.method) {
      case 'GET':
        return req.observe === undefined
          ? undefined
          : { code: '4.05', message: 'no Observe on the bootstrap interface' };
      case 'PUT':
        return req.contentFormat !== undefined || req.payload.length > 0
          ? undefined
          : { code: '4.05', message: 'no Write-Attributes on the bootstrap interface' };
      case 'DELETE':
        return undefined;
      default:
        return { code: '4.05', message: 'not a bootstrap interface operation' };
    }
  }
  if (isBootstrapFinish(req)) return { code: '4.01', message: "Bootstrap-Finish is the bootstrap server's" };
  if (path !== undefined && path.length > 0 && path[0] === SECURITY_OBJECT_ID)
    return { code: '4.01', message: 'the Security object belongs to the bootstrap interface' };
  return undefined;
}

/** Read- / Observe- / Write-Composite paths (known once the payload is decoded): a DM server naming /0 gets 4.01. */
export function compositeRefusal(paths: readonly Path[], s: Session): Refusal | undefined {
  if (s.bootstrap) return undefined;
  return paths.some((p) => p.length > 0 && p[0] === SECURITY_OBJECT_ID)
    ? { code: '4.01', message: 'the Security object belongs to the bootstrap interface' }
    : undefined;
}
