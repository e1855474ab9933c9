// packets.ts: conversions between the endpoint API's shapes and coap-packet options (requests, responses).
import type { CoapIncomingRequest, CoapIncomingResponse, CoapMethod, CoapOutgoingRequest, CoapResponse } from './api.js';
import type { ParsedPacket } from './message.js';
import { getStrings, getUint, pathOptions, uintBuf, type Option } from './options.js';
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

export function toIncomingRequest(p: ParsedPacket, method: CoapMethod, from: PeerAddress, confirmable: boolean): CoapIncomingRequest {
  const r: CoapIncomingRequest = {
    method, path: getStrings(p, 'Uri-Path'), query: getStrings(p, 'Uri-Query'), payload: new Uint8Array(p.payload),
    token: new Uint8Array(p.token), from, confirmable,
  };
  const cf = getUint(p, 'Content-Format');
  if (cf !== undefined) r.contentFormat = cf;
  const accept = getUint(p, 'Accept');
  if (accept !== undefined) r.accept = accept;
  const obs = getUint(p, 'Observe');
  if (obs !== undefined) r.observe = obs;
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
  const accept = getUint(p, 'Accept');
  return `${peer}|${p.code}|${getStrings(p, 'Uri-Path').join('/')}?${getStrings(p, 'Uri-Query').join('&')}|${accept ?? ''}`;
}
