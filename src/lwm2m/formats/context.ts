// context.ts: what a codec needs to know about the object model (types, multiple resources) and the request target.
import type { Path, ResourceType } from '../types.js';

export interface CodecContext {
  /** The request target (what is read or written). */
  basePath: Path;
  typeOf(objectId: number, resourceId: number): ResourceType | undefined;
  isMultiple(objectId: number, resourceId: number): boolean;
}

/** A context that knows no types (values decoded by their wire form only). */
export function untypedContext(basePath: Path = []): CodecContext {
  return { basePath, typeOf: () => undefined, isMultiple: () => false };
}
