// replies.ts: how the socket's router turns object actor results and refusals into CoAP responses.
import type { CoapResponse } from '../coap/api.js';
import type { OpResult } from '../lwm2m/operations/types.js';
import type { Refusal } from './session.js';

/** UTF-8 bytes of a diagnostic payload. */
export const text = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

/** An object actor's result as a CoAP response (an error's message goes out as the diagnostic payload). */
export function toCoap(r: OpResult): CoapResponse {
  const out: CoapResponse = { code: r.code };
  if (r.contentFormat !== undefined) out.contentFormat = r.contentFormat;
  if (r.payload !== undefined) out.payload = r.payload;
  else if (r.message !== undefined && r.code >= '4') out.payload = text(r.message);
  if (r.location) out.locationPath = r.location;
  return out;
}

/** A session refusal (session.ts) as a CoAP response. */
export const refuse = (r: Refusal): CoapResponse => ({ code: r.code, payload: text(r.message) });
