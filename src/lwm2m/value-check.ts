// value-check.ts: does a value fit a resource's definition (its LwM2M type, single or multiple)? The reason when not;
// for values set from the device side (rt.set).
import type { ResourceDef, ResourceValue } from './object-api.js';
import type { LwValue, ResourceType } from './types.js';

function show(v: unknown): string {
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  if (typeof v === 'bigint') return `${v}n`;
  const s = JSON.stringify(v);
  return s === undefined ? typeof v : s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** Why `v` is no value of `type`; undefined when it is one. */
export function lwValueProblem(type: ResourceType, v: unknown): string | undefined {
  const want = (what: string): string => `a ${type} resource takes ${what} (got ${show(v)})`;
  switch (type) {
    case 'string':
    case 'corelnk':
      return typeof v === 'string' ? undefined : want('a string');
    case 'integer':
    case 'time':
      return typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)) ? undefined : want('an integer');
    case 'unsigned':
      return (typeof v === 'bigint' && v >= 0n) || (typeof v === 'number' && Number.isInteger(v) && v >= 0)
        ? undefined
        : want('an integer >= 0');
    case 'float':
      return typeof v === 'number' ? undefined : want('a number');
    case 'boolean':
      return typeof v === 'boolean' ? undefined : want('true or false');
    case 'opaque':
      return v instanceof Uint8Array ? undefined : want('bytes (a Uint8Array)');
    case 'objlnk': {
      const o = v as { objectId?: unknown; instanceId?: unknown } | null;
      return typeof o === 'object' && o !== null && Number.isInteger(o.objectId) && Number.isInteger(o.instanceId)
        ? undefined
        : want('{ objectId, instanceId }');
    }
    case 'none':
      return 'an executable resource holds no value';
  }
}

/**
 * Why `value` does not fit `def` (single: one value of its type; multiple: a Map of instance id → values of its type).
 */
export function resourceValueProblem(def: ResourceDef, value: ResourceValue): string | undefined {
  if (!def.multiple)
    return value instanceof Map
      ? `a single ${def.type} resource takes one value, not a Map`
      : lwValueProblem(def.type, value);
  if (!(value instanceof Map))
    return `a multiple resource takes a Map of instance id → ${def.type} (got ${show(value)})`;
  for (const [ri, v] of value as ReadonlyMap<number, LwValue>) {
    const p = lwValueProblem(def.type, v);
    if (p) return `instance ${ri}: ${p}`;
  }
  return undefined;
}
