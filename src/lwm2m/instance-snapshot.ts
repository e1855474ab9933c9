// instance-snapshot.ts: object instances ⇄ plain JSON (for the durable store): Maps, bytes, bigints and object links
// tagged.
import type { ResourceValue } from './object-api.js';
import { isObjLnk, type LwValue } from './types.js';

type JsonValue = string | number | boolean | { b64: string } | { big: string } | { lnk: [number, number] };
export type InstanceSnapshot = [number, [number, JsonValue | { multi: [number, JsonValue][] }][]][];

function toJson(v: LwValue): JsonValue {
  if (v instanceof Uint8Array) return { b64: Buffer.from(v).toString('base64') };
  if (typeof v === 'bigint') return { big: v.toString() };
  if (isObjLnk(v)) return { lnk: [v.objectId, v.instanceId] };
  return v;
}

function fromJson(j: unknown): LwValue | undefined {
  if (typeof j === 'string' || typeof j === 'number' || typeof j === 'boolean') return j;
  if (typeof j !== 'object' || j === null) return undefined;
  const o = j as Record<string, unknown>;
  if (typeof o.b64 === 'string') return new Uint8Array(Buffer.from(o.b64, 'base64'));
  if (typeof o.big === 'string' && /^-?\d+$/.test(o.big)) return BigInt(o.big);
  if (Array.isArray(o.lnk) && o.lnk.length === 2 && o.lnk.every((x) => typeof x === 'number'))
    return { objectId: o.lnk[0], instanceId: o.lnk[1] };
  return undefined;
}

export function snapshotInstances(
  instances: ReadonlyMap<number, ReadonlyMap<number, ResourceValue>>,
): InstanceSnapshot {
  return [...instances].map(([iid, res]) => [
    iid,
    [...res].map(([rid, v]) => [
      rid,
      v instanceof Map
        ? { multi: [...v].map(([ri, x]) => [ri, toJson(x)] as [number, JsonValue]) }
        : toJson(v as LwValue),
    ]),
  ]);
}

/** Rebuilds instances; anything malformed is skipped (a damaged snapshot never crashes the object). */
export function restoreInstances(snap: unknown): Map<number, Map<number, ResourceValue>> {
  const out = new Map<number, Map<number, ResourceValue>>();
  if (!Array.isArray(snap)) return out;
  for (const inst of snap) {
    if (!Array.isArray(inst) || typeof inst[0] !== 'number' || !Array.isArray(inst[1])) continue;
    const m = new Map<number, ResourceValue>();
    for (const entry of inst[1] as unknown[]) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'number') continue;
      const raw = entry[1] as unknown;
      if (typeof raw === 'object' && raw !== null && Array.isArray((raw as { multi?: unknown }).multi)) {
        const mm = new Map<number, LwValue>();
        for (const e of (raw as { multi: unknown[] }).multi) {
          if (!Array.isArray(e) || typeof e[0] !== 'number') continue;
          const v = fromJson(e[1]);
          if (v !== undefined) mm.set(e[0], v);
        }
        m.set(entry[0], mm);
      } else {
        const v = fromJson(raw);
        if (v !== undefined) m.set(entry[0], v);
      }
    }
    out.set(inst[0], m);
  }
  return out;
}
