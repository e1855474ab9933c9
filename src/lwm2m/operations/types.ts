// types.ts: the request and result shapes of LwM2M operations on one object (what the object actor receives and
// answers).
import type { StatusCode } from '../object-api.js';
import type { LwRecord, Path } from '../types.js';

export type OperationName =
  | 'read'
  | 'discover'
  | 'write'
  | 'write-update'
  | 'write-attributes'
  | 'execute'
  | 'create'
  | 'delete'
  | 'read-records'
  | 'write-records';

/** One operation on paths under one object. Plain data: it crosses threads as `object.request`. */
export interface OpRequest {
  op: OperationName;
  path: Path;
  /** Content-Format of the payload (Write, Create, Execute). */
  format?: number;
  /** Accept option (Read, Observe). */
  accept?: number;
  payload?: Uint8Array;
  /** Uri-Query items (Write-Attributes: 'pmin=10'; Discover: 'depth=2'). */
  query?: string[];
  /** Records for 'write-records' (Write-Composite part for this object). */
  records?: LwRecord[];
  /** Paths for 'read-records' (Read-Composite part for this object). */
  paths?: Path[];
  /** Short server ID of the requesting server (0 = bootstrap server or local). */
  serverId?: number;
  /** Bootstrap-Write / Bootstrap-Delete / Bootstrap-Discover semantics. */
  bootstrap?: boolean;
  /** Set by the socket router: the request came from a server (hooks see HookTarget.remote). */
  remote?: boolean;
  /**
   * Object-level Read / read-records: leave these instances out (set by the socket router from the Access Control
   * table).
   */
  hideInstances?: number[];
}

/** An operation's answer; `code` is the CoAP response code. Never thrown: bad input is a 4.xx result. */
export interface OpResult {
  code: StatusCode;
  contentFormat?: number;
  payload?: Uint8Array;
  /** Location-Path of a created instance (['3303', '1']). */
  location?: string[];
  /** Records for 'read-records'. */
  records?: LwRecord[];
  /** A short reason for error results (diagnostic payload text). */
  message?: string;
}

export function fail(code: StatusCode, message?: string): OpResult {
  return message === undefined ? { code } : { code, message };
}
