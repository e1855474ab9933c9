// validate.ts: type and range checks of written values against a resource definition.
import type { ResourceDef } from '../object-api.js';
import { isObjLnk, type LwValue } from '../types.js';

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
      if (typeof v === 'bigint') num = Number(v);
      else if (typeof v === 'number' && Number.isInteger(v)) num = v;
      else return bad();
      break;
    case 'unsigned':
      if (typeof v === 'bigint' && v >= 0n) num = Number(v);
      else if (typeof v === 'number' && Number.isInteger(v) && v >= 0) num = v;
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
      if (!isObjLnk(v) || v.objectId < 0 || v.objectId > 65535 || v.instanceId < 0 || v.instanceId > 65535) return bad();
      break;
    case 'none':
      return `/${def.id} (${def.name}) is executable and holds no value`;
  }
  const r = def.range;
  if (r) {
    const measure = num ?? (typeof v === 'string' ? v.length : v instanceof Uint8Array ? v.length : undefined);
    if (measure !== undefined) {
      if (r.min !== undefined && measure < r.min) return `/${def.id} (${def.name}): ${String(measure)} is below ${r.min}`;
      if (r.max !== undefined && measure > r.max) return `/${def.id} (${def.name}): ${String(measure)} is above ${r.max}`;
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
