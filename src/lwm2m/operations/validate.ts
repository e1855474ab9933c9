// validate.ts: type and range checks of written values against a resource definition.
import type { ResourceDef } from '../object-api.js';
import { isObjLnk, type LwValue } from '../types.js';

/** LwM2M Integer is a signed 64-bit number, Unsigned Integer an unsigned one (Core Appendix C). */
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * Default cap on a written string (UTF-8 bytes) or opaque value when its definition gives no `range.max` (config
 * `client.maxValueBytes`).
 */
export const DEFAULT_MAX_VALUE_BYTES = 8192;
/** Default cap on the instances a server's Create may bring one object to (config `client.maxInstances`). */
export const DEFAULT_MAX_INSTANCES = 256;

/**
 * Returns a reason when a string / opaque value is larger than the device takes (→ 4.13 Request Entity Too Large),
 * undefined when it fits. A resource whose definition declares `range.max` is bounded by that instead (checkValue,
 * 4.00).
 */
export function checkSize(def: ResourceDef, v: LwValue, maxBytes: number): string | undefined {
  if (def.range?.max !== undefined) return undefined;
  const size = typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : v instanceof Uint8Array ? v.byteLength : 0;
  return size > maxBytes ? `/${def.id} (${def.name}): ${size} bytes, more than ${maxBytes}` : undefined;
}

/** Returns a reason when the value does not fit the resource (type, range, enum), undefined when it does. */
export function checkValue(def: ResourceDef, v: LwValue): string | undefined {
  const bad = (): string => `/${def.id} (${def.name}): ${typeName(v)} is not a valid ${def.type}`;
  let num: number | undefined;
  switch (def.type) {
    case 'string':
    case 'corelnk':
      if (typeof v !== 'string') return bad();
      break;
    case 'integer':
    case 'time':
      if (typeof v === 'bigint' && v >= INT64_MIN && v <= INT64_MAX) num = Number(v);
      else if (typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 63) && v < 2 ** 63) num = v;
      else return bad();
      break;
    case 'unsigned':
      if (typeof v === 'bigint' && v >= 0n && v <= UINT64_MAX) num = Number(v);
      else if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** 64) num = v;
      else return bad();
      break;
    case 'float':
      if (typeof v === 'number' && Number.isFinite(v)) num = v;
      else if (typeof v === 'bigint') num = Number(v);
      else return bad();
      break;
    case 'boolean':
      if (typeof v !== 'boolean') return bad();
      break;
    case 'opaque':
      if (!(v instanceof Uint8Array)) return bad();
      break;
    case 'objlnk':
      if (!isObjLnk(v) || v.objectId < 0 || v.objectId > 65535 || v.instanceId < 0 || v.instanceId > 65535)
        return bad();
      break;
    case 'none':
      return `/${def.id} (${def.name}) is executable and holds no value`;
  }
  const r = def.range;
  if (r) {
    const measure = num ?? (typeof v === 'string' ? v.length : v instanceof Uint8Array ? v.length : undefined);
    if (measure !== undefined) {
      if (r.min !== undefined && measure < r.min)
        return `/${def.id} (${def.name}): ${String(measure)} is below ${r.min}`;
      if (r.max !== undefined && measure > r.max)
        return `/${def.id} (${def.name}): ${String(measure)} is above ${r.max}`;
    }
  }
  if (def.enum && (typeof v === 'string' || typeof v === 'number') && !def.enum.includes(v)) {
    return `/${def.id} (${def.name}): ${String(v)} is not one of ${def.enum.join(', ')}`;
  }
  return undefined;
}

function typeName(v: LwValue): string {
  if (v instanceof Uint8Array) return 'opaque';
  if (isObjLnk(v)) return 'objlnk';
  return typeof v === 'number' && !Number.isInteger(v) ? 'float' : typeof v;
}
