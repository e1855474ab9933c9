// model.ts: what the dev server knows about object types (built-in table for the core objects, extendable) → codec
// contexts.
import type { CodecContext } from '../lwm2m/formats/index.js';
import type { ObjectDef } from '../lwm2m/object-api.js';
import type { Path, ResourceType } from '../lwm2m/types.js';

/** [type, multiple] of one resource. */
export type ResourceInfo = readonly [ResourceType, boolean];

/** Resource types by object id, then resource id. */
export type TypeTable = Record<number, Record<number, ResourceInfo>>;

const S = (t: ResourceType): ResourceInfo => [t, false];
const M = (t: ResourceType): ResourceInfo => [t, true];

/** The core objects a server needs for bootstrap and management (OMA LwM2M 1.2 Core, Appendix D/E). */
export const CORE_TYPES: TypeTable = {
  0: {
    0: S('string'),
    1: S('boolean'),
    2: S('integer'),
    3: S('opaque'),
    4: S('opaque'),
    5: S('opaque'),
    6: S('integer'),
    7: S('opaque'),
    8: S('opaque'),
    9: S('string'),
    10: S('integer'),
    11: S('integer'),
    12: S('integer'),
    13: S('unsigned'),
    14: S('integer'),
    15: S('unsigned'),
    16: S('unsigned'),
    17: S('unsigned'),
    18: S('opaque'),
    19: S('boolean'),
    20: S('string'),
    21: S('string'),
    22: S('unsigned'),
    23: S('objlnk'),
  },
  1: {
    0: S('integer'),
    1: S('integer'),
    2: S('integer'),
    3: S('integer'),
    4: S('none'),
    5: S('integer'),
    6: S('boolean'),
    7: S('string'),
    8: S('none'),
    9: S('none'),
    10: S('objlnk'),
    11: M('integer'),
    12: S('integer'),
    13: S('time'),
    14: S('integer'),
    15: S('integer'),
    16: S('boolean'),
    17: S('unsigned'),
    18: S('unsigned'),
    19: S('unsigned'),
    20: S('unsigned'),
    21: S('boolean'),
    22: S('string'),
    23: S('boolean'),
    24: S('boolean'),
  },
  2: { 0: S('integer'), 1: S('integer'), 2: M('integer'), 3: S('integer') },
  3: {
    0: S('string'),
    1: S('string'),
    2: S('string'),
    3: S('string'),
    4: S('none'),
    5: S('none'),
    6: M('integer'),
    7: M('integer'),
    8: M('integer'),
    9: S('integer'),
    10: S('integer'),
    11: M('integer'),
    12: S('none'),
    13: S('time'),
    14: S('string'),
    15: S('string'),
    16: S('string'),
    17: S('string'),
    18: S('string'),
    19: S('string'),
    20: S('integer'),
    21: S('integer'),
    22: S('string'),
  },
  4: {
    0: S('integer'),
    1: M('integer'),
    2: S('integer'),
    3: S('integer'),
    4: M('string'),
    5: M('string'),
    6: S('integer'),
    7: S('integer'),
    8: S('integer'),
    9: S('integer'),
    10: S('integer'),
    11: S('string'),
    12: S('string'),
  },
  5: {
    0: S('opaque'),
    1: S('string'),
    2: S('none'),
    3: S('integer'),
    5: S('integer'),
    6: S('string'),
    7: S('string'),
    8: M('integer'),
    9: S('integer'),
  },
  // 3424 Water meter (uCIFI, urn:oma:lwm2m:ext:3424:1.1): the product's own object.
  3424: {
    1: S('float'),
    2: S('none'),
    3: S('string'),
    4: S('integer'),
    5: S('none'),
    6: S('integer'),
    7: S('float'),
    8: S('float'),
    9: S('boolean'),
    10: S('boolean'),
    11: S('boolean'),
    12: S('boolean'),
    13: S('boolean'),
    5518: S('time'),
    6050: S('float'),
    6042: S('integer'),
    6049: S('integer'),
  },
};

/** A type table from object definitions (the object API's ObjectDef, e.g. the built-in objects or DDF-loaded ones). */
export function typesFromDefs(defs: readonly ObjectDef[]): TypeTable {
  const out: TypeTable = {};
  for (const d of defs)
    out[d.id] = Object.fromEntries(d.resources.map((r) => [r.id, [r.type, r.multiple === true] as const]));
  return out;
}

/** Names of objects and their resources (for printing), by object id. */
export type NameTable = Record<number, { name: string; resources: Record<number, string> }>;

/** Object and resource names from object definitions (built-in objects, plugins, DDF files). */
export function namesFromDefs(defs: readonly ObjectDef[]): NameTable {
  const out: NameTable = {};
  for (const d of defs)
    out[d.id] = { name: d.name, resources: Object.fromEntries(d.resources.map((r) => [r.id, r.name])) };
  return out;
}

/**
 * Looks up resource types (and names once added); unknown objects/resources give undefined (codecs then decode by wire
 * form).
 */
export class TypeRegistry {
  private readonly table: TypeTable;
  private readonly names: NameTable = {};

  constructor(extra: TypeTable = {}) {
    this.table = { ...CORE_TYPES };
    this.add(extra);
  }

  /** Adds or replaces object definitions (e.g. loaded from DDF files). */
  add(extra: TypeTable): void {
    for (const [obj, res] of Object.entries(extra)) this.table[Number(obj)] = { ...res };
  }

  /** Adds names (and types of objects the table lacks) from object definitions; later definitions win. */
  addDefs(defs: readonly ObjectDef[]): void {
    Object.assign(this.names, namesFromDefs(defs));
    this.add(typesFromDefs(defs.filter((d) => this.table[d.id] === undefined)));
  }

  objectName(objectId: number): string | undefined {
    return this.names[objectId]?.name;
  }

  resourceName(objectId: number, resourceId: number): string | undefined {
    return this.names[objectId]?.resources[resourceId];
  }

  /** Object ids with a type or a name. */
  knownObjects(): number[] {
    return [...new Set([...Object.keys(this.table), ...Object.keys(this.names)].map(Number))].sort((a, b) => a - b);
  }

  /** Resource ids of an object with a type or a name. */
  knownResources(objectId: number): number[] {
    return [
      ...new Set(
        [...Object.keys(this.table[objectId] ?? {}), ...Object.keys(this.names[objectId]?.resources ?? {})].map(Number),
      ),
    ].sort((a, b) => a - b);
  }

  info(objectId: number, resourceId: number): ResourceInfo | undefined {
    return this.table[objectId]?.[resourceId];
  }

  context(basePath: Path): CodecContext {
    return {
      basePath,
      typeOf: (o, r) => this.info(o, r)?.[0],
      isMultiple: (o, r) => this.info(o, r)?.[1] ?? false,
    };
  }
}
