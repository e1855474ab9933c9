// types.ts: the LwM2M data model shared by codecs, objects and operations: paths, resource types, values, records.

/** LwM2M resource data types (OMA LwM2M 1.2 Core, Appendix C). 'none' is for executable resources. */
export type ResourceType =
  'string' | 'integer' | 'unsigned' | 'float' | 'boolean' | 'opaque' | 'time' | 'objlnk' | 'corelnk' | 'none';

/** Object link value: ObjectID:InstanceID (65535:65535 is the null link). */
export interface ObjLnk {
  objectId: number;
  instanceId: number;
}

/**
 * A resource (instance) value. integer/unsigned/time are numbers (or bigint beyond 2^53), float is number,
 * boolean is boolean, string/corelnk are string, opaque is Uint8Array, objlnk is ObjLnk. 'time' is seconds since epoch.
 */
export type LwValue = string | number | bigint | boolean | Uint8Array | ObjLnk;

/**
 * A path: [] (root), [obj], [obj, inst], [obj, inst, res], [obj, inst, res, resInst].
 * Each element is 0..65535.
 */
export type Path = readonly number[];

/** One value at a full resource or resource-instance path; the exchange unit between codecs and objects. */
export interface LwRecord {
  path: Path;
  value: LwValue;
  /** Seconds since epoch (SenML / LwM2M CBOR timestamps); absent when not time-stamped. */
  time?: number;
}

/** Content-Format numbers used by LwM2M (IANA CoAP Content-Formats registry). */
export const ContentFormat = {
  TEXT: 0,
  LINK: 40,
  OPAQUE: 42,
  CBOR: 60,
  SENML_JSON: 110,
  SENML_CBOR: 112,
  TLV: 11542,
  JSON_OLD: 11543,
  LWM2M_CBOR: 11544,
} as const;
export type ContentFormatNumber = (typeof ContentFormat)[keyof typeof ContentFormat];

export function isObjLnk(v: unknown): v is ObjLnk {
  return (
    typeof v === 'object' &&
    v !== null &&
    !(v instanceof Uint8Array) &&
    typeof (v as ObjLnk).objectId === 'number' &&
    typeof (v as ObjLnk).instanceId === 'number'
  );
}
