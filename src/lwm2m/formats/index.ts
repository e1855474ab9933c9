// index.ts: the content-format registry: encode / decode LwM2M records by CoAP Content-Format number.
import { CodedError } from '../../errors.js';
import { ContentFormat, type LwRecord, type Path } from '../types.js';
import type { CodecContext } from './context.js';
import { decodeCborSingle, encodeCborSingle } from './cbor.js';
import { decodeLwm2mCbor, encodeLwm2mCbor } from './lwm2m-cbor.js';
import { decodeLwm2mJson, encodeLwm2mJson } from './lwm2m-json.js';
import { decodeSenmlCbor, decodeSenmlCborPaths, encodeSenmlCbor } from './senml-cbor.js';
import { decodeSenmlJson, decodeSenmlJsonPaths, encodeSenmlJson } from './senml-json.js';
import { decodeOpaque, decodeText, encodeOpaque, encodeText } from './text.js';
import { decodeTlv, encodeTlv } from './tlv.js';

export type { CodecContext } from './context.js';
export { untypedContext } from './context.js';

export const SUPPORTED_FORMATS: readonly number[] = [
  ContentFormat.TEXT,
  ContentFormat.OPAQUE,
  ContentFormat.CBOR,
  ContentFormat.TLV,
  ContentFormat.SENML_JSON,
  ContentFormat.SENML_CBOR,
  ContentFormat.LWM2M_CBOR,
  ContentFormat.JSON_OLD,
];

/** Formats that carry exactly one resource (instance) value. */
export const SINGLE_VALUE_FORMATS: readonly number[] = [ContentFormat.TEXT, ContentFormat.OPAQUE, ContentFormat.CBOR];

export function encode(format: number, records: readonly LwRecord[], ctx: CodecContext): Uint8Array {
  switch (format) {
    case ContentFormat.TEXT:
      return encodeText(records);
    case ContentFormat.OPAQUE:
      return encodeOpaque(records);
    case ContentFormat.CBOR:
      return encodeCborSingle(records);
    case ContentFormat.TLV:
      return encodeTlv(records, ctx);
    case ContentFormat.SENML_JSON:
      return encodeSenmlJson(records, ctx);
    case ContentFormat.SENML_CBOR:
      return encodeSenmlCbor(records, ctx);
    case ContentFormat.LWM2M_CBOR:
      return encodeLwm2mCbor(records, ctx);
    case ContentFormat.JSON_OLD:
      return encodeLwm2mJson(records, ctx);
    default:
      throw new CodedError('FORMAT_UNSUPPORTED', `content format ${format} is not supported`);
  }
}

/** Decodes a payload; any failure is FORMAT_DECODE (→ 4.00) or FORMAT_UNSUPPORTED (→ 4.15), never another error. */
export function decode(format: number, payload: Uint8Array, ctx: CodecContext): LwRecord[] {
  try {
    switch (format) {
      case ContentFormat.TEXT:
        return decodeText(payload, ctx);
      case ContentFormat.OPAQUE:
        return decodeOpaque(payload, ctx);
      case ContentFormat.CBOR:
        return decodeCborSingle(payload, ctx);
      case ContentFormat.TLV:
        return decodeTlv(payload, ctx);
      case ContentFormat.SENML_JSON:
        return decodeSenmlJson(payload, ctx);
      case ContentFormat.SENML_CBOR:
        return decodeSenmlCbor(payload, ctx);
      case ContentFormat.LWM2M_CBOR:
        return decodeLwm2mCbor(payload, ctx);
      case ContentFormat.JSON_OLD:
        return decodeLwm2mJson(payload, ctx);
      default:
        throw new CodedError('FORMAT_UNSUPPORTED', `content format ${format} is not supported`);
    }
  } catch (err) {
    if (err instanceof CodedError && (err.code === 'FORMAT_DECODE' || err.code === 'FORMAT_UNSUPPORTED')) throw err;
    throw new CodedError('FORMAT_DECODE', `payload does not decode: ${(err as Error).message}`, undefined, {
      cause: err,
    });
  }
}

/** Paths of a Read-Composite / Observe-Composite request body. */
export function decodePaths(format: number, payload: Uint8Array): Path[] {
  try {
    switch (format) {
      case ContentFormat.SENML_JSON:
        return decodeSenmlJsonPaths(payload);
      case ContentFormat.SENML_CBOR:
        return decodeSenmlCborPaths(payload);
      default:
        throw new CodedError('FORMAT_UNSUPPORTED', `content format ${format} cannot carry composite paths`);
    }
  } catch (err) {
    if (err instanceof CodedError) throw err;
    throw new CodedError('FORMAT_DECODE', `composite paths do not decode: ${(err as Error).message}`);
  }
}
