// clone.ts: the copy an actor message gets between actors of one thread — structuredClone's result, several times
// faster on the plain data messages are.
const MAX_DEPTH = 64;

class TooDeep extends Error {}

function copy(v: unknown, depth: number): unknown {
  if (typeof v !== 'object' || v === null) {
    if (typeof v === 'function' || typeof v === 'symbol')
      throw new DOMException(`${typeof v} could not be cloned`, 'DataCloneError');
    return v;
  }
  if (depth > MAX_DEPTH) throw new TooDeep();
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) return structuredClone(v);
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copy(v[i], depth + 1);
    return out;
  }
  // structuredClone turns a Buffer into a plain Uint8Array (copying the whole pooled ArrayBuffer): this copies the
  // bytes only
  if (v instanceof Uint8Array) return new Uint8Array(v);
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return structuredClone(v);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = copy((v as Record<string, unknown>)[k], depth + 1);
  return out;
}

/**
 * A deep copy with structuredClone's result: plain objects, arrays and primitives are copied here; Buffers become
 * Uint8Arrays (as structuredClone makes them); anything else (Map, Date, typed arrays, class instances, cycles and very
 * deep values) is left to structuredClone; functions and symbols throw a DataCloneError as structuredClone would.
 */
export function cloneMessage<T>(v: T): T {
  try {
    return copy(v, 0) as T;
  } catch (err) {
    if (err instanceof TooDeep) return structuredClone(v);
    throw err;
  }
}
