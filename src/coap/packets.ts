// packets.ts: conversions between the endpoint API's shapes and coap-packet options (requests, responses).
import type {
  CoapIncomingRequest,
  CoapIncomingResponse,
  CoapMethod,
  CoapOutgoingRequest,
  CoapResponse,
} from './api.js';
import type { ParsedPacket } from './message.js';
import { getStrings, getUint, pathOptions, readUint, uintBuf, type Option } from './options.js';
import type { PeerAddress } from './transport.js';

/** Options of an outgoing request (without block options). */
export function requestOptions(req: CoapOutgoingRequest): Option[] {
  const o: Option[] = [...pathOptions(req.path), ...pathOptions(req.query ?? [], 'Uri-Query')];
  if (req.contentFormat !== undefined) o.push({ name: 'Content-Format', value: uintBuf(req.contentFormat) });
  if (req.accept !== undefined) o.push({ name: 'Accept', value: uintBuf(req.accept) });
  if (req.observe !== undefined) o.push({ name: 'Observe', value: uintBuf(req.observe) });
  return o;
}

/** Options of a response (without Observe / block options). */
export function responseOptions(res: CoapResponse): Option[] {
  const o: Option[] = [];
  if (res.contentFormat !== undefined) o.push({ name: 'Content-Format', value: uintBuf(res.contentFormat) });
  if (res.locationPath !== undefined) o.push(...pathOptions(res.locationPath, 'Location-Path'));
  if (res.maxAge !== undefined) o.push({ name: 'Max-Age', value: uintBuf(res.maxAge) });
  return o;
}

/** The options a request handler and the server side read, gathered in one pass (the first of a non-repeatable one). */
export interface IncomingOptions {
  uriPath: string[];
  uriQuery: string[];
  contentFormat?: Buffer;
  accept?: Buffer;
  observe?: Buffer;
  block1?: Buffer;
  block2?: Buffer;
  size1?: Buffer;
}

export function incomingOptions(p: ParsedPacket): IncomingOptions {
  const o: IncomingOptions = { uriPath: [], uriQuery: [] };
  for (const { name, value } of p.options) {
    switch (name) {
      case 'Uri-Path':
        o.uriPath.push(value.toString('utf8'));
        break;
      case 'Uri-Query':
        o.uriQuery.push(value.toString('utf8'));
        break;
      case 'Content-Format':
        o.contentFormat ??= value;
        break;
      case 'Accept':
        o.accept ??= value;
        break;
      case 'Observe':
        o.observe ??= value;
        break;
      case 'Block1':
        o.block1 ??= value;
        break;
      case 'Block2':
        o.block2 ??= value;
        break;
      case 'Size1':
        o.size1 ??= value;
        break;
      default:
        break;
    }
  }
  return o;
}

export function toIncomingRequest(
  p: ParsedPacket,
  method: CoapMethod,
  from: PeerAddress,
  confirmable: boolean,
  o: IncomingOptions = incomingOptions(p),
): CoapIncomingRequest {
  const r: CoapIncomingRequest = {
    method,
    path: o.uriPath,
    query: o.uriQuery,
    payload: new Uint8Array(p.payload),
    token: new Uint8Array(p.token),
    from,
    confirmable,
  };
  if (o.contentFormat !== undefined) r.contentFormat = readUint(o.contentFormat);
  if (o.accept !== undefined) r.accept = readUint(o.accept);
  if (o.observe !== undefined) r.observe = readUint(o.observe);
  return r;
}

export function toIncomingResponse(p: ParsedPacket, payload: Uint8Array = p.payload): CoapIncomingResponse {
  const r: CoapIncomingResponse = { code: p.code, payload: new Uint8Array(payload), token: new Uint8Array(p.token) };
  const cf = getUint(p, 'Content-Format');
  if (cf !== undefined) r.contentFormat = cf;
  const loc = getStrings(p, 'Location-Path');
  if (loc.length > 0) r.locationPath = loc;
  const maxAge = getUint(p, 'Max-Age');
  if (maxAge !== undefined) r.maxAge = maxAge;
  const obs = getUint(p, 'Observe');
  if (obs !== undefined) r.observe = obs;
  return r;
}

/** Key of a resource as a peer addresses it (block-wise transfers are keyed by it, not by token). */
export function resourceKey(peer: string, p: ParsedPacket): string {
  return resourceKeyOf(peer, p.code, incomingOptions(p));
}

export function resourceKeyOf(peer: string, code: string, o: IncomingOptions): string {
  return `${peer}|${code}|${o.uriPath.join('/')}?${o.uriQuery.join('&')}|${o.accept === undefined ? '' : readUint(o.accept)}`;
}
