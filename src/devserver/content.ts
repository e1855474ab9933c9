// content.ts: Content-Format numbers from node-coap headers, payload decoding into an OpResult, composite path bodies.
import { encode as cborEncode } from 'cbor-x';
import { CodedError } from '../errors.js';
import { decode, SUPPORTED_FORMATS } from '../lwm2m/formats/index.js';
import { parseLinks } from '../lwm2m/formats/link.js';
import { formatPath } from '../lwm2m/path.js';
import { ContentFormat, type Path } from '../lwm2m/types.js';
import type { TypeRegistry } from './model.js';
import type { OpResult } from './types.js';

/** node-coap turns registered Content-Format numbers into media type names; this maps them back. */
const NAMES: Record<string, number> = {
  'text/plain': 0,
  'text/plain;charset=utf-8': 0,
  'text/plain; charset=utf-8': 0,
  'application/link-format': 40,
  'application/octet-stream': 42,
  'application/json': 50,
  'application/cbor': 60,
  'application/senml+json': 110,
  'application/senml+cbor': 112,
  'application/vnd.oma.lwm2m+tlv': 11542,
  'application/vnd.oma.lwm2m+json': 11543,
  'application/vnd.oma.lwm2m+cbor': 11544,
};

/** A Content-Format header value (number, media type name, or absent) as a number; undefined if absent or unknown. */
export function formatNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = NAMES[v.toLowerCase()] ?? NAMES[v.toLowerCase().split(';')[0]];
    return n;
  }
  return undefined;
}

/** Builds an OpResult, decoding the payload by its content format (links for 40, records for LwM2M formats). */
export function toResult(
  code: string,
  contentFormat: number | undefined,
  payload: Uint8Array,
  basePath: Path,
  types: TypeRegistry,
): OpResult {
  const result: OpResult = { code, payload };
  if (contentFormat !== undefined) result.contentFormat = contentFormat;
  if (!code.startsWith('2.') || payload.length === 0 || contentFormat === undefined) return result;
  try {
    if (contentFormat === ContentFormat.LINK) result.links = parseLinks(Buffer.from(payload).toString('utf8'));
    else if (SUPPORTED_FORMATS.includes(contentFormat))
      result.records = decode(contentFormat, payload, types.context(basePath));
  } catch (err) {
    result.decodeError = err instanceof Error ? err.message : String(err);
  }
  return result;
}

/** The body of a Read-Composite / Observe-Composite request: SenML records carrying only names. */
export function encodePaths(format: number, paths: readonly Path[]): Uint8Array {
  const names = paths.map((p) => formatPath(p));
  if (format === ContentFormat.SENML_JSON) return Buffer.from(JSON.stringify(names.map((n) => ({ n }))), 'utf8');
  if (format === ContentFormat.SENML_CBOR) return cborEncode(names.map((n) => new Map([[0, n]])));
  throw new CodedError('FORMAT_UNSUPPORTED', `content format ${format} cannot carry composite paths`);
}
