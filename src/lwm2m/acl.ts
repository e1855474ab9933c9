// acl.ts: LwM2M Access Control (object 2) decisions, pure: the ACL table from object 1/2 records, rights per operation,
// seeding with several servers.
import type { LwRecord, LwValue, Path } from './types.js';

/** ACL bits (LwM2M 1.1 object 2, resource 2): R covers Read, Observe, Discover and Write-Attributes. */
export const AclRight = { READ: 1, WRITE: 2, EXECUTE: 4, DELETE: 8, CREATE: 16 } as const;
export const ALL_RIGHTS = 31;
export const ACL_OBJECT_ID = 2;
/** Object Instance ID of the object-level ACL instance (Create rights). */
export const OBJECT_LEVEL = 65535;
/** Access Control Owner MAX_ID: created and modified during bootstrap only (no server owns it). */
export const BOOTSTRAP_OWNER = 65535;

/** One Access Control instance (/2/instanceId). */
export interface AclEntry {
  instanceId: number;
  objectId: number;
  objectInstanceId: number;
  owner: number;
  /** Short server ID (0 = default entry) → rights bits. */
  acl: Map<number, number>;
}

/**
 * Why a request is refused: 4.01 (the server has some right on the target but not this one), 4.04 (no right at all:
 * hidden).
 */
export type AclRefusal = '4.01' | '4.04';

const num = (v: LwValue | undefined): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
const key = (oid: number, iid: number): number => oid * 65536 + iid;

/** Short server IDs per Server instance (/1/x/0), from object 1's records. */
export function serversFromRecords(records: readonly LwRecord[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of records)
    if (r.path[0] === 1 && r.path.length === 3 && r.path[2] === 0) {
      const s = num(r.value);
      if (s !== undefined) out.set(r.path[1], s);
    }
  return out;
}

/** Access Control instances from object 2's records (instances without Object ID / Object Instance ID are ignored). */
export function aclEntriesFromRecords(records: readonly LwRecord[]): AclEntry[] {
  const by = new Map<number, { oid?: number; iid?: number; owner?: number; acl: Map<number, number> }>();
  for (const r of records) {
    if (r.path[0] !== ACL_OBJECT_ID || r.path.length < 3) continue;
    let e = by.get(r.path[1]);
    if (!e) by.set(r.path[1], (e = { acl: new Map() }));
    const v = num(r.value);
    if (v === undefined) continue;
    if (r.path[2] === 0) e.oid = v;
    else if (r.path[2] === 1) e.iid = v;
    else if (r.path[2] === 3) e.owner = v;
    else if (r.path[2] === 2 && r.path.length === 4) e.acl.set(r.path[3], v);
  }
  const out: AclEntry[] = [];
  for (const [instanceId, e] of [...by].sort((a, b) => a[0] - b[0])) {
    if (e.oid === undefined || e.iid === undefined) continue;
    out.push({ instanceId, objectId: e.oid, objectInstanceId: e.iid, owner: e.owner ?? BOOTSTRAP_OWNER, acl: e.acl });
  }
  return out;
}

/**
 * The ACL table the socket router checks requests against. Not enforced with one LwM2M server account or none
 * (LwM2M 1.1 §7.3.2: with a single server, that server has every right).
 */
export class AclTable {
  /** Short server IDs of the LwM2M server accounts (object 1), in instance order. */
  readonly servers: readonly number[];
  readonly entries: readonly AclEntry[];
  /** More than one LwM2M server account: checks apply. */
  readonly enforced: boolean;
  private readonly byTarget = new Map<number, AclEntry>();
  private readonly byInstance = new Map<number, AclEntry>();

  constructor(servers: readonly number[], entries: readonly AclEntry[]) {
    this.servers = servers;
    this.entries = entries;
    this.enforced = new Set(servers).size > 1;
    for (const e of entries) {
      if (!this.byTarget.has(key(e.objectId, e.objectInstanceId)))
        this.byTarget.set(key(e.objectId, e.objectInstanceId), e);
      this.byInstance.set(e.instanceId, e);
    }
  }

  static none(): AclTable {
    return new AclTable([], []);
  }

  entryFor(objectId: number, objectInstanceId: number): AclEntry | undefined {
    return this.byTarget.get(key(objectId, objectInstanceId));
  }

  aclInstance(instanceId: number): AclEntry | undefined {
    return this.byInstance.get(instanceId);
  }

  /** Lowest free Access Control instance id. */
  freeInstanceId(): number {
    let i = 0;
    while (this.byInstance.has(i)) i++;
    return i;
  }

  /**
   * Rights of a server on /oid/iid (iid 65535: object level): the owner has all; else its own ACL entry, or the default
   * entry 0, or none. No Access Control instance for the target → all rights (instances made by the device after the
   * table was seeded, e.g. by a plugin, stay reachable).
   */
  rights(ssid: number, objectId: number, objectInstanceId: number): number {
    if (!this.enforced) return ALL_RIGHTS;
    const e = this.entryFor(objectId, objectInstanceId);
    if (!e) return ALL_RIGHTS;
    if (e.owner === ssid) return ALL_RIGHTS;
    return e.acl.get(ssid) ?? e.acl.get(0) ?? 0;
  }

  /**
   * Checks one operation. Access Control instances themselves (/2/x): readable by every server, writable and
   * deletable only by their owner, never created by a server. Returns undefined when allowed.
   */
  check(ssid: number, path: Path, right: number): AclRefusal | undefined {
    if (!this.enforced || path.length === 0) return undefined;
    const oid = path[0];
    if (oid === ACL_OBJECT_ID) {
      if (right === AclRight.READ) return undefined;
      if (path.length === 1) return '4.01';
      const e = this.aclInstance(path[1]);
      if (!e) return undefined; // the object answers 4.04
      return e.owner === ssid ? undefined : '4.01';
    }
    const iid = path.length === 1 ? OBJECT_LEVEL : path[1];
    const bits = this.rights(ssid, oid, iid);
    if ((bits & right) !== 0) return undefined;
    return bits === 0 && path.length > 1 ? '4.04' : '4.01';
  }

  /** May the server read /oid/iid (object-level Read / Discover filters)? */
  canRead(ssid: number, objectId: number, objectInstanceId: number): boolean {
    return objectId === ACL_OBJECT_ID || (this.rights(ssid, objectId, objectInstanceId) & AclRight.READ) !== 0;
  }

  /**
   * Instances of the object the server may not read (empty when it reads them all): object-level reads leave them out.
   */
  unreadable(ssid: number, objectId: number): number[] {
    if (!this.enforced || objectId === ACL_OBJECT_ID) return [];
    return this.entries
      .filter(
        (e) =>
          e.objectId === objectId &&
          e.objectInstanceId !== OBJECT_LEVEL &&
          !this.canRead(ssid, objectId, e.objectInstanceId),
      )
      .map((e) => e.objectInstanceId);
  }
}

/** An Access Control instance to create. */
export interface AclSeed {
  objectId: number;
  objectInstanceId: number;
  owner: number;
  acl: Record<number, number>;
}

/**
 * Access Control instances for a device with several servers and no ACL yet (like a factory bootstrap):
 * - each Server instance /1/x is owned by its own server (the others do not see it);
 * - every other instance is owned by the first server (lowest /1 instance), the others may Read (default entry 0 = R);
 * - object level (Create): the first server may create, on every object but 0, 1 and 2; owner MAX_ID (bootstrap).
 * Object 0 gets none (only the bootstrap server reaches it).
 */
export function seedAcl(
  servers: ReadonlyMap<number, number>,
  instances: readonly (readonly [number, number])[],
  objects: readonly number[],
): AclSeed[] {
  const ordered = [...servers].sort((a, b) => a[0] - b[0]);
  if (new Set(ordered.map((s) => s[1])).size < 2) return [];
  const primary = ordered[0][1];
  const out: AclSeed[] = [];
  for (const [iid, ssid] of ordered) out.push({ objectId: 1, objectInstanceId: iid, owner: ssid, acl: {} });
  for (const oid of [...objects].sort((a, b) => a - b)) {
    if (oid === 0 || oid === 1 || oid === ACL_OBJECT_ID) continue;
    out.push({
      objectId: oid,
      objectInstanceId: OBJECT_LEVEL,
      owner: BOOTSTRAP_OWNER,
      acl: { [primary]: AclRight.CREATE },
    });
    for (const [o, i] of instances)
      if (o === oid) out.push({ objectId: oid, objectInstanceId: i, owner: primary, acl: { 0: AclRight.READ } });
  }
  return out;
}

/** Records of one Access Control instance /2/instanceId (for a Create on object 2). */
export function aclRecords(instanceId: number, s: AclSeed): LwRecord[] {
  const recs: LwRecord[] = [
    { path: [ACL_OBJECT_ID, instanceId, 0], value: s.objectId },
    { path: [ACL_OBJECT_ID, instanceId, 1], value: s.objectInstanceId },
  ];
  for (const [ssid, bits] of Object.entries(s.acl))
    recs.push({ path: [ACL_OBJECT_ID, instanceId, 2, Number(ssid)], value: bits });
  recs.push({ path: [ACL_OBJECT_ID, instanceId, 3], value: s.owner });
  return recs;
}
